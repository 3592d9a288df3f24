using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm.Scoring;

/// <summary>
/// The lazy result of <see cref="OnnxBatchScorer.Transform"/>: every input column passes through, followed by the
/// graph's output columns (an output named like an input column hides it, as in ML.NET's own transforms).
/// </summary>
/// <remarks>
/// A cursor reads up to <c>BatchSize</c> rows, copies the graph inputs into one buffer per input, runs the graph once
/// and serves the rows one at a time. Pass-through columns of any type are cached per batch through their typed
/// getters (vectors deep-copied); row ids pass through. One cursor only, so row order is the input's.
/// </remarks>
internal sealed class BatchScoringDataView : IDataView
{
    private readonly OnnxBatchScorer _scorer;
    private readonly IDataView _input;
    private readonly int[] _modelInputColumns;

    public BatchScoringDataView(OnnxBatchScorer scorer, IDataView input)
    {
        _scorer = scorer;
        _input = input;
        _modelInputColumns = scorer.BindInputColumns(input.Schema);
        Schema = scorer.GetOutputSchema(input.Schema);
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema { get; }

    internal int InputColumnCount => _input.Schema.Count;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = CursorPlumbing.ActiveFlags(Schema.Count, columnsNeeded);
        bool anyOutput = false;
        for (int i = InputColumnCount; i < Schema.Count; i++)
            anyOutput |= active[i];

        var inputActive = new bool[InputColumnCount];
        for (int i = 0; i < InputColumnCount; i++)
            inputActive[i] = active[i];
        if (anyOutput)
        {
            foreach (int c in _modelInputColumns)
                inputActive[c] = true;
        }
        var inputColumns = _input.Schema.Where(c => inputActive[c.Index]);
        var cursor = _input.GetRowCursor(inputColumns, rand);
        return new Cursor(this, cursor, active, anyOutput);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchScoringDataView _parent;
        private readonly DataViewRowCursor _input;
        private readonly bool[] _active;
        private readonly OnnxBatchBuffers? _buffers;
        private readonly ValueGetter<VBuffer<float>>[] _modelInputGetters;
        private readonly ColumnCache?[] _caches;
        private readonly ValueGetter<DataViewRowId> _inputIdGetter;
        private readonly DataViewRowId[] _ids;
        private readonly int _capacity;
        private VBuffer<float> _scratch;
        private int _batchRows;
        private int _row = -1;
        private long _position = -1;
        private bool _done;
        private bool _disposed;

        private const string Component = "ONNX scoring";

        public Cursor(BatchScoringDataView parent, DataViewRowCursor input, bool[] active, bool anyOutput)
        {
            _parent = parent;
            _input = input;
            _active = active;
            var scorer = parent._scorer;
            _capacity = scorer.BatchSize;
            // A small input needs no full-size buffers.
            if (parent._input.GetRowCount() is long rows && rows < _capacity)
                _capacity = (int)Math.Max(rows, 1);

            _modelInputGetters = Array.Empty<ValueGetter<VBuffer<float>>>();
            if (anyOutput)
            {
                _buffers = new OnnxBatchBuffers(scorer, _capacity);
                _modelInputGetters = parent._modelInputColumns
                    .Select(c => input.GetGetter<VBuffer<float>>(input.Schema[c]))
                    .ToArray();
            }

            _caches = new ColumnCache?[parent.InputColumnCount];
            for (int c = 0; c < _caches.Length; c++)
            {
                if (!active[c])
                    continue;
                int modelInput = anyOutput ? Array.IndexOf(parent._modelInputColumns, c) : -1;
                _caches[c] = modelInput >= 0
                    ? new ModelInputCache(_buffers!.InputBuffers[modelInput], scorer.Inputs[modelInput].Size)
                    : ColumnCache.Create(input, input.Schema[c], _capacity);
            }
            _inputIdGetter = input.GetIdGetter();
            _ids = new DataViewRowId[_capacity];
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override bool MoveNext()
        {
            if (_disposed || _done)
                return false;
            if (_row + 1 < _batchRows)
            {
                _row++;
                _position++;
                return true;
            }
            if (!FillBatch())
            {
                _done = true;
                _row = -1;
                return false;
            }
            _row = 0;
            _position++;
            return true;
        }

        private bool FillBatch()
        {
            int n = 0;
            while (n < _capacity && _input.MoveNext())
            {
                for (int i = 0; i < _modelInputGetters.Length; i++)
                {
                    _modelInputGetters[i](ref _scratch);
                    var spec = _parent._scorer.Inputs[i];
                    VectorValues.CopyExact(_scratch, _buffers!.InputBuffers[i].AsSpan(n * spec.Size, spec.Size), "ONNX scoring", spec.ColumnName, _position + 1 + n);
                }
                foreach (var cache in _caches)
                    cache?.Read(n);
                _inputIdGetter(ref _ids[n]);
                n++;
            }
            _batchRows = n;
            if (n == 0)
                return false;
            _buffers?.Run(n);
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter()
            => (ref DataViewRowId value) =>
            {
                EnsureOnRow();
                value = _ids[_row];
            };

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < 0 || column.Index >= _active.Length || !_active[column.Index])
                throw CursorPlumbing.NotRequested(column, Component);
            if (column.Index < _caches.Length)
                return CursorPlumbing.Typed<TValue>(_caches[column.Index]!.GetGetter(() => CurrentRow), column, Component);

            int k = column.Index - _caches.Length;
            var spec = _parent._scorer.Outputs[k];
            var buffer = _buffers!.OutputBuffers[k];
            Delegate getter;
            if (spec.Scalar)
            {
                getter = (ValueGetter<float>)((ref float value) => value = buffer[CurrentRow]);
            }
            else
            {
                int size = spec.Size;
                getter = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                    VectorValues.Write(buffer.AsSpan(CurrentRow * size, size), ref value));
            }
            return CursorPlumbing.Typed<TValue>(getter, column, Component);
        }

        private int CurrentRow
        {
            get
            {
                EnsureOnRow();
                return _row;
            }
        }

        private void EnsureOnRow()
        {
            if (_row < 0 || _disposed)
                throw CursorPlumbing.NotOnRow(Component);
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed)
                return;
            if (disposing)
            {
                _input.Dispose();
                _buffers?.Dispose();
            }
            _disposed = true;
            base.Dispose(disposing);
        }
    }
}
