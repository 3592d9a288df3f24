using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>
/// The rows of a data view whose 0-based positions are marked in <c>keep</c>, in the source's order, with the source's
/// schema and column types (the backtest's "rows [0, s) of every series" and its fold windows). Rows past the end of
/// <c>keep</c> are dropped. One cursor at a time in row order; no shuffling.
/// </summary>
internal sealed class RowSubsetDataView : IDataView
{
    private readonly IDataView _source;
    private readonly bool[] _keep;
    private readonly long _count;
    private readonly long _last;

    public RowSubsetDataView(IDataView source, bool[] keep)
    {
        _source = source;
        _keep = keep;
        _count = keep.LongCount(k => k);
        _last = Array.LastIndexOf(keep, true);
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema => _source.Schema;

    public long? GetRowCount() => _count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new Cursor(_source.GetRowCursor(columnsNeeded), _keep, _last);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor _inner;
        private readonly bool[] _keep;
        private readonly long _last;
        private long _sourceRow = -1;
        private long _position = -1;

        public Cursor(DataViewRowCursor inner, bool[] keep, long last)
        {
            _inner = inner;
            _keep = keep;
            _last = last;
        }

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => _inner.Schema;

        public override bool MoveNext()
        {
            while (_sourceRow < _last && _inner.MoveNext())
            {
                _sourceRow++;
                if (_keep[_sourceRow])
                {
                    _position++;
                    return true;
                }
            }
            _sourceRow = long.MaxValue;
            return false;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _inner.GetGetter<TValue>(column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => _inner.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _inner.IsColumnActive(column);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
