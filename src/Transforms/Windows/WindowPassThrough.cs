using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// The pass-through form of <see cref="SlidingWindowTransformer"/> (its input rows are already windows): every column
/// passes through unchanged, and each window value read is checked to hold exactly T·F values (a <c>float[]</c> of
/// another length in a <c>[VectorType(T·F)]</c> field is an error naming the column and both sizes).
/// </summary>
internal sealed class WindowPassThrough : IRowToRowMapper
{
    private readonly int _windowColumn;
    private readonly int _size;

    public WindowPassThrough(DataViewSchema schema, string windowColumnName, int size)
    {
        InputSchema = schema;
        _windowColumn = schema[windowColumnName].Index;
        _size = size;
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema => InputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) => dependingColumns;

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) => new Row(this, input, activeColumns);

    /// <summary>The checked pass-through view of <paramref name="input"/>.</summary>
    public IDataView Transform(IDataView input) => new MappedDataView(input, this, (cursor, columns) => new Row(this, cursor, columns));

    private sealed class Row : MappedRow
    {
        private readonly WindowPassThrough _parent;

        public Row(WindowPassThrough parent, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
            : base(input, parent.OutputSchema, activeColumns)
        {
            _parent = parent;
        }

        protected override string Component => "SlidingWindow";

        public override bool IsColumnActive(DataViewSchema.Column column) => Input.IsColumnActive(Input.Schema[column.Index]);

        protected override bool Serves(int index) => index == _parent._windowColumn;

        protected override Delegate MakeGetter(DataViewSchema.Column column)
        {
            var source = Input.GetGetter<VBuffer<float>>(Input.Schema[column.Index]);
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                source(ref value);
                if (value.Length != _parent._size)
                    throw VectorValues.WrongLength(Component, column.Name, Input.Position, _parent._size, value.Length);
            });
        }
    }
}
