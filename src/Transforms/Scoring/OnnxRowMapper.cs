using Microsoft.ML;
using Microsoft.ML.Data;

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
        var active = new bool[OutputSchema.Count];
        foreach (var column in activeColumns)
            active[column.Index] = true;
        return new Row(this, input, active);
    }

    private sealed class Row : DataViewRow
    {
        private readonly OnnxRowMapper _parent;
        private readonly DataViewRow _input;
        private readonly bool[] _active;
        private readonly OnnxBatchBuffers? _buffers;
        private readonly ValueGetter<VBuffer<float>>[] _modelInputGetters = Array.Empty<ValueGetter<VBuffer<float>>>();
        private VBuffer<float> _scratch;
        private long _scoredPosition = -1;
        private bool _disposed;

        public Row(OnnxRowMapper parent, DataViewRow input, bool[] active)
        {
            _parent = parent;
            _input = input;
            _active = active;
            int inputCount = parent.InputSchema.Count;
            bool anyOutput = false;
            for (int i = inputCount; i < active.Length; i++)
                anyOutput |= active[i];
            if (anyOutput)
            {
                _buffers = new OnnxBatchBuffers(parent._scorer, 1);
                _modelInputGetters = parent._modelInputColumns
                    .Select(c => input.GetGetter<VBuffer<float>>(input.Schema[c]))
                    .ToArray();
            }
        }

        public override DataViewSchema Schema => _parent.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this row.");
            int inputCount = _parent.InputSchema.Count;
            if (column.Index < inputCount)
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);

            int k = column.Index - inputCount;
            var spec = _parent._scorer.Outputs[k];
            var buffer = _buffers!.OutputBuffers[k];
            Delegate getter;
            if (spec.Scalar)
            {
                getter = (ValueGetter<float>)((ref float value) =>
                {
                    EnsureScored();
                    value = buffer[0];
                });
            }
            else
            {
                int size = spec.Size;
                getter = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    EnsureScored();
                    var editor = VBufferEditor.Create(ref value, size);
                    buffer.AsSpan(0, size).CopyTo(editor.Values);
                    value = editor.Commit();
                });
            }
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' has type {column.Type}, not {typeof(TValue)}.");
        }

        private void EnsureScored()
        {
            long position = _input.Position;
            if (position == _scoredPosition && position >= 0)
                return;
            for (int i = 0; i < _modelInputGetters.Length; i++)
            {
                _modelInputGetters[i](ref _scratch);
                _scratch.CopyTo(_buffers!.InputBuffers[i].AsSpan(0, _parent._scorer.Inputs[i].Size));
            }
            _buffers!.Run(1);
            _scoredPosition = position;
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed)
                return;
            if (disposing)
            {
                _buffers?.Dispose();
                _input.Dispose(); // IRowToRowMapper's contract: the returned row disposes its input
            }
            _disposed = true;
            base.Dispose(disposing);
        }
    }
}
