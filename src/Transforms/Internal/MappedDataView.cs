using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>
/// The lazy data view of a row-to-row map: every cursor wraps an input cursor, one output row per input row, in the
/// input's order (cursor sets and shuffling as the input allows).
/// </summary>
internal sealed class MappedDataView : IDataView
{
    private readonly IDataView _input;
    private readonly IRowToRowMapper _mapper;
    private readonly Func<DataViewRowCursor, DataViewSchema.Column[], DataViewRowCursor> _wrap;

    /// <param name="input">The data to map.</param>
    /// <param name="mapper">The map bound to <paramref name="input"/>'s schema (its schema and dependencies).</param>
    /// <param name="wrap">Makes the output cursor over an input cursor, for the requested output columns.</param>
    public MappedDataView(IDataView input, IRowToRowMapper mapper, Func<DataViewRowCursor, DataViewSchema.Column[], DataViewRowCursor> wrap)
    {
        _input = input;
        _mapper = mapper;
        _wrap = wrap;
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema => _mapper.OutputSchema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var columns = columnsNeeded.ToArray();
        return _wrap(_input.GetRowCursor(_mapper.GetDependencies(columns), rand), columns);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var columns = columnsNeeded.ToArray();
        return _input.GetRowCursorSet(_mapper.GetDependencies(columns), n, rand).Select(c => _wrap(c, columns)).ToArray();
    }
}
