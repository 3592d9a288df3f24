using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>A row-to-row mapper that returns its input unchanged.</summary>
internal sealed class IdentityRowToRowMapper : IRowToRowMapper
{
    public IdentityRowToRowMapper(DataViewSchema schema) => InputSchema = schema;

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema => InputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) => dependingColumns;

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) => new Row(input);

    private sealed class Row : DataViewRow
    {
        private readonly DataViewRow _input;

        public Row(DataViewRow input) => _input = input;

        public override DataViewSchema Schema => _input.Schema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _input.GetGetter<TValue>(column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _input.IsColumnActive(column);

        // IRowToRowMapper's contract: the returned row disposes its input.
        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
