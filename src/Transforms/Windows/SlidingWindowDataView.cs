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
    /// <see langword="null"/>. Also null when the input is too short (the cursor throws then), and with several series
    /// (<see cref="SlidingWindowTransformer.SeriesColumnName"/>: the count depends on each key's length).
    /// </summary>
    public long? GetRowCount()
    {
        if (_parent.SkipNonFiniteWindows || _parent.SeriesColumnName is not null || _input.GetRowCount() is not long rows)
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
        var inputColumns = new HashSet<int>(_binding.FeatureColumns.Concat(_binding.FutureColumns));
        if (_binding.SeriesColumn >= 0)
            inputColumns.Add(_binding.SeriesColumn);
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
        private readonly Func<float>[] _futureReaders;
        private readonly float[] _ring;       // _ringRows x F values, row r at slot r % _ringRows
        private readonly float[] _future;     // _ringRows x C future covariate values, same slots
        private readonly byte[] _bad;         // per ring row: 1 = some feature non-finite, 2 = target non-finite, 4 = a future covariate non-finite
        private readonly ColumnCache?[] _passRings; // per input column, when active: the last h + 1 values
        private readonly SeriesKeyReader? _key;
        private long _rowsRead;               // rows read of the current series (all rows with one series)
        private long _inputRow = -1;          // 0-based index of the input cursor's row, for messages
        private long _longest;                // most rows of one series so far
        private long _nextEnd;                // series-relative last row of the next candidate window
        private long _currentEnd = -1;
        private long _position = -1;
        private bool _seriesDone;             // the current series has no more rows (end of input or a new key)
        private bool _pendingRow;             // the input cursor is on the first row of the next series, not read yet
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
            _futureReaders = binding.FutureColumns.Select(c => NumericColumnReader.Create(input, input.Schema[c], "SlidingWindow")).ToArray();
            _future = new float[_ringRows * _futureReaders.Length];
            _key = binding.SeriesColumn >= 0 ? SeriesKeyReader.Create(input, input.Schema[binding.SeriesColumn]) : null;
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
                FillTo(end + _h);
                if (_rowsRead <= end + _h && (!_trailing || end >= _rowsRead))
                {
                    if (_pendingRow)
                    {
                        StartNextSeries();
                        continue;
                    }
                    _done = true;
                    if (_position < 0 && _longest < (_trailing ? _t : _t + _h))
                        throw SlidingWindowTransformer.TooShort(_parent.GetOptions(), _longest);
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

        /// <summary>Reads rows of the current series until row <paramref name="row"/> (series-relative) or its end.</summary>
        private void FillTo(long row)
        {
            while (!_seriesDone && _rowsRead <= row)
            {
                if (!_input.MoveNext())
                {
                    _seriesDone = true;
                    break;
                }
                _inputRow++;
                if (_key is not null && _key.Next(_inputRow))
                {
                    _seriesDone = true;
                    _pendingRow = true;
                    break;
                }
                ReadRow();
            }
        }

        /// <summary>Starts the next series at the input row the cursor is on (its first row).</summary>
        private void StartNextSeries()
        {
            _pendingRow = false;
            _seriesDone = false;
            _rowsRead = 0;
            _nextEnd = _t - 1;
            ReadRow();
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
                if ((_bad[r % _ringRows] & 6) != 0)
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
                            $"SlidingWindow: input column '{_parent.InputColumnNames[f]}' has a non-finite value ({v}) at row {_inputRow} (0-based). " +
                            "Clean or impute the series, or set SlidingWindowEstimator.Options.SkipNonFiniteWindows = true to skip the windows that contain it.");
                    }
                    bad |= 1;
                    if (f == _target)
                        bad |= 2;
                }
            }
            _bad[slot] = (byte)(bad | ReadFuture(slot));
            int passSlot = (int)(_rowsRead % (_h + 1));
            foreach (var ring in _passRings)
                ring?.Read(passSlot);
            _rowsRead++;
            _longest = Math.Max(_longest, _rowsRead);
        }

        private byte ReadFuture(int slot)
        {
            int c = _futureReaders.Length, offset = slot * c;
            byte bad = 0;
            for (int i = 0; i < c; i++)
            {
                float v = _futureReaders[i]();
                _future[offset + i] = v;
                if (float.IsFinite(v))
                    continue;
                if (!_skip)
                {
                    throw new InvalidOperationException(
                        $"SlidingWindow: future covariate column '{_parent.FutureCovariateColumnNames[i]}' has a non-finite value ({v}) at row {_inputRow} (0-based). " +
                        "Clean or impute the column, or set SlidingWindowEstimator.Options.SkipNonFiniteWindows = true to skip the windows whose label steps contain it.");
                }
                bad = 4;
            }
            return bad;
        }

        private float TargetAt(long row) => row < _rowsRead ? _ring[(int)(row % _ringRows) * _f + _target] : float.NaN;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
                throw CursorPlumbing.NotRequested(column, "SlidingWindow");
            Delegate getter;
            if (column.Index == _binding.WindowColumn)
                getter = (ValueGetter<VBuffer<float>>)GetWindow;
            else if (column.Index == _binding.FutureColumn)
                getter = (ValueGetter<VBuffer<float>>)GetFuture;
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

        /// <summary>The C future covariates at the h label steps, time-major; NaN past the end of the series.</summary>
        private void GetFuture(ref VBuffer<float> value)
        {
            CheckPosition();
            int c = _futureReaders.Length;
            var editor = VBufferEditor.Create(ref value, _h * c);
            for (int k = 0; k < _h; k++)
            {
                long row = _currentEnd + 1 + k;
                var target = editor.Values.Slice(k * c, c);
                if (row < _rowsRead)
                    _future.AsSpan((int)(row % _ringRows) * c, c).CopyTo(target);
                else
                    target.Fill(float.NaN);
            }
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
