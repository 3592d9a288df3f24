using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// The lazily computed output of <see cref="SlidingWindowTransformer.Transform"/>: a sequential view whose cursor
/// streams the input through a ring buffer of the last T + h rows.
/// </summary>
internal sealed class SlidingWindowDataView : IDataView
{
    private readonly SlidingWindowTransformer _parent;
    private readonly IDataView _input;
    private readonly SlidingWindowTransformer.Binding _binding;

    public SlidingWindowDataView(SlidingWindowTransformer parent, IDataView input, SlidingWindowTransformer.Binding binding)
    {
        _parent = parent;
        _input = input;
        _binding = binding;
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _binding.OutputSchema;

    /// <summary>
    /// The exact number of windows when the input's row count is known and no window can be skipped
    /// (<see cref="SlidingWindowTransformer.SkipNonFiniteWindows"/> off: a non-finite value throws instead); otherwise
    /// <see langword="null"/>. Also null when the input is too short (the cursor throws then).
    /// </summary>
    public long? GetRowCount()
    {
        if (_parent.SkipNonFiniteWindows || _input.GetRowCount() is not long rows)
            return null;
        // Window k ends at row T - 1 + k·stride; it is emitted while its h labels are inside the input (or, with
        // trailing windows, while its last row is).
        long lastEnd = _parent.IncludeUnlabeledTrailingWindows ? rows - 1 : rows - 1 - _parent.Horizon;
        long firstEnd = _parent.WindowSize - 1;
        if (lastEnd < firstEnd)
            return null;
        return (lastEnd - firstEnd) / _parent.Stride + 1;
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = CursorPlumbing.ActiveFlags(Schema.Count, columnsNeeded);
        var inputColumns = new HashSet<int>(_binding.FeatureColumns);
        for (int i = 0; i < _binding.InputColumnCount; i++)
        {
            if (active[i])
                inputColumns.Add(i);
        }
        var cursor = _input.GetRowCursor(inputColumns.Select(i => _input.Schema[i]));
        return new Cursor(_parent, _binding, cursor, active);
    }

    /// <summary>Always a single cursor: windows need the rows in order.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly SlidingWindowTransformer _parent;
        private readonly SlidingWindowTransformer.Binding _binding;
        private readonly DataViewRowCursor _input;
        private readonly bool[] _active;
        private readonly int _t, _f, _h, _stride, _target, _ringRows;
        private readonly bool _trailing, _skip;
        private readonly Func<float>[] _readers;
        private readonly float[] _ring;       // _ringRows x F values, row r at slot r % _ringRows
        private readonly byte[] _bad;         // per ring row: 1 = some feature non-finite, 2 = target non-finite
        private readonly ColumnCache?[] _passRings; // per input column, when active: the last h + 1 values
        private long _rowsRead;
        private long _nextEnd;
        private long _currentEnd = -1;
        private long _position = -1;
        private bool _inputDone;
        private bool _done;

        public Cursor(SlidingWindowTransformer parent, SlidingWindowTransformer.Binding binding, DataViewRowCursor input, bool[] active)
        {
            _parent = parent;
            _binding = binding;
            _input = input;
            _active = active;
            _t = parent.WindowSize;
            _f = parent.FeatureCount;
            _h = parent.Horizon;
            _stride = parent.Stride;
            _target = parent.TargetIndex;
            _trailing = parent.IncludeUnlabeledTrailingWindows;
            _skip = parent.SkipNonFiniteWindows;
            _ringRows = _t + _h;
            _ring = new float[_ringRows * _f];
            _bad = new byte[_ringRows];
            _nextEnd = _t - 1;
            _readers = new Func<float>[_f];
            for (int f = 0; f < _f; f++)
                _readers[f] = NumericColumnReader.Create(input, input.Schema[binding.FeatureColumns[f]], "SlidingWindow");
            _passRings = new ColumnCache?[binding.InputColumnCount];
            for (int i = 0; i < binding.InputColumnCount; i++)
            {
                if (active[i])
                    _passRings[i] = ColumnCache.Create(input, input.Schema[i], _h + 1);
            }
        }

        public override DataViewSchema Schema => _binding.OutputSchema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_done)
                return false;
            while (true)
            {
                long end = _nextEnd;
                while (!_inputDone && _rowsRead <= end + _h)
                {
                    if (_input.MoveNext())
                        ReadRow();
                    else
                        _inputDone = true;
                }
                if (_rowsRead <= end + _h && (!_trailing || end >= _rowsRead))
                {
                    _done = true;
                    if (_position < 0 && _rowsRead < (_trailing ? _t : _t + _h))
                        throw SlidingWindowTransformer.TooShort(_parent.GetOptions(), _rowsRead);
                    return false;
                }
                _nextEnd += _stride;
                if (_skip && !IsFinite(end))
                    continue;
                _currentEnd = end;
                _position++;
                return true;
            }
        }

        private bool IsFinite(long end)
        {
            for (long r = end - _t + 1; r <= end; r++)
            {
                if ((_bad[r % _ringRows] & 1) != 0)
                    return false;
            }
            for (long r = end + 1; r <= end + _h && r < _rowsRead; r++)
            {
                if ((_bad[r % _ringRows] & 2) != 0)
                    return false;
            }
            return true;
        }

        private void ReadRow()
        {
            int slot = (int)(_rowsRead % _ringRows);
            int offset = slot * _f;
            byte bad = 0;
            for (int f = 0; f < _f; f++)
            {
                float v = _readers[f]();
                _ring[offset + f] = v;
                if (!float.IsFinite(v))
                {
                    if (!_skip)
                    {
                        throw new InvalidOperationException(
                            $"SlidingWindow: input column '{_parent.InputColumnNames[f]}' has a non-finite value ({v}) at row {_rowsRead} (0-based). " +
                            "Clean or impute the series, or set SlidingWindowEstimator.Options.SkipNonFiniteWindows = true to skip the windows that contain it.");
                    }
                    bad |= 1;
                    if (f == _target)
                        bad |= 2;
                }
            }
            _bad[slot] = bad;
            int passSlot = (int)(_rowsRead % (_h + 1));
            foreach (var ring in _passRings)
                ring?.Read(passSlot);
            _rowsRead++;
        }

        private float TargetAt(long row) => row < _rowsRead ? _ring[(int)(row % _ringRows) * _f + _target] : float.NaN;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw CursorPlumbing.NotRequested(column, "SlidingWindow");
            Delegate getter;
            if (column.Index == _binding.WindowColumn)
                getter = (ValueGetter<VBuffer<float>>)GetWindow;
            else if (column.Index == _binding.LabelColumn)
                getter = _h == 1 ? (ValueGetter<float>)GetLabel : (ValueGetter<VBuffer<float>>)GetLabels;
            else
                getter = _passRings[column.Index]!.GetGetter(() => CurrentPassSlot);
            return CursorPlumbing.Typed<TValue>(getter, column, "SlidingWindow");
        }

        private void CheckPosition()
        {
            if (_position < 0 || _done)
                throw CursorPlumbing.NotOnRow("SlidingWindow");
        }

        private void GetWindow(ref VBuffer<float> value)
        {
            CheckPosition();
            var editor = VBufferEditor.Create(ref value, _t * _f);
            long start = _currentEnd - _t + 1;
            for (int t = 0; t < _t; t++)
            {
                int slot = (int)((start + t) % _ringRows);
                _ring.AsSpan(slot * _f, _f).CopyTo(editor.Values.Slice(t * _f, _f));
            }
            value = editor.Commit();
        }

        private void GetLabel(ref float value)
        {
            CheckPosition();
            value = TargetAt(_currentEnd + 1);
        }

        private void GetLabels(ref VBuffer<float> value)
        {
            CheckPosition();
            var editor = VBufferEditor.Create(ref value, _h);
            for (int k = 0; k < _h; k++)
                editor.Values[k] = TargetAt(_currentEnd + 1 + k);
            value = editor.Commit();
        }

        internal int CurrentPassSlot
        {
            get
            {
                CheckPosition();
                return (int)(_currentEnd % (_h + 1));
            }
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
