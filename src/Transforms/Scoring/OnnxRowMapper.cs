using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm.Scoring;

/// <summary>
/// Scores one row per ONNX Runtime <c>Run</c> (a batch of one) on pinned buffers that each returned row owns, for
/// <c>PredictionEngine</c>. The graph runs at most once per input position, on the first output getter call.
/// </summary>
internal sealed class OnnxRowMapper : IRowToRowMapper
{
    private readonly OnnxBatchScorer _scorer;
    private readonly int[] _modelInputColumns;

    public OnnxRowMapper(OnnxBatchScorer scorer, DataViewSchema inputSchema)
    {
        _scorer = scorer;
        InputSchema = inputSchema;
        _modelInputColumns = scorer.BindInputColumns(inputSchema);
        OutputSchema = scorer.GetOutputSchema(inputSchema);
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new bool[InputSchema.Count];
        foreach (var column in dependingColumns)
        {
            if (column.Index < InputSchema.Count)
                needed[column.Index] = true;
            else
                foreach (int c in _modelInputColumns)
                    needed[c] = true;
        }
        return InputSchema.Where(c => needed[c.Index]).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        return new Row(this, input, activeColumns);
    }

    private sealed class Row : MappedRow
    {
        private readonly OnnxRowMapper _parent;
        private readonly OnnxBatchBuffers? _buffers;
        private readonly ValueGetter<VBuffer<float>>[] _modelInputGetters = Array.Empty<ValueGetter<VBuffer<float>>>();
        private VBuffer<float> _scratch;
        private long _scoredPosition = -1;
        private bool _disposed;

        public Row(OnnxRowMapper parent, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
            : base(input, parent.OutputSchema, activeColumns)
        {
            _parent = parent;
            bool anyOutput = false;
            for (int i = InputColumnCount; i < parent.OutputSchema.Count; i++)
                anyOutput |= IsColumnActive(parent.OutputSchema[i]);
            if (anyOutput)
            {
                _buffers = new OnnxBatchBuffers(parent._scorer, 1);
                _modelInputGetters = parent._modelInputColumns
                    .Select(c => input.GetGetter<VBuffer<float>>(input.Schema[c]))
                    .ToArray();
            }
        }

        protected override string Component => "ONNX scoring";

        protected override Delegate MakeGetter(DataViewSchema.Column column)
        {
            int k = column.Index - InputColumnCount;
            var spec = _parent._scorer.Outputs[k];
            var buffer = _buffers!.OutputBuffers[k];
            if (spec.Scalar)
            {
                return (ValueGetter<float>)((ref float value) =>
                {
                    EnsureScored();
                    value = buffer[0];
                });
            }
            int size = spec.Size;
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                EnsureScored();
                VectorValues.Write(buffer.AsSpan(0, size), ref value);
            });
        }

        private void EnsureScored()
        {
            long position = Input.Position;
            if (position == _scoredPosition && position >= 0)
                return;
            _scoredPosition = -1;
            for (int i = 0; i < _modelInputGetters.Length; i++)
            {
                _modelInputGetters[i](ref _scratch);
                var spec = _parent._scorer.Inputs[i];
                VectorValues.CopyExact(_scratch, _buffers!.InputBuffers[i].AsSpan(0, spec.Size), Component, spec.ColumnName, position);
            }
            _buffers!.Run(1);
            _scoredPosition = position;
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed)
                return;
            if (disposing)
                _buffers?.Dispose();
            _disposed = true;
            base.Dispose(disposing); // disposes the input row: IRowToRowMapper's contract
        }
    }
}
