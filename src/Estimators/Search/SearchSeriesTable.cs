using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Search;

/// <summary>
/// The series of the one call's input: one per key (each key's rows contiguous, checked as <c>SlidingWindow</c> checks
/// them), or the whole data as one series without a key column, with each series' first row and its target values.
/// </summary>
internal sealed class SearchSeriesTable
{
    private SearchSeriesTable(long rows, IReadOnlyList<SearchSeries> series)
    {
        Rows = rows;
        Series = series;
    }

    /// <summary>The number of rows of the data.</summary>
    public long Rows { get; }

    /// <summary>The series in data order.</summary>
    public IReadOnlyList<SearchSeries> Series { get; }

    /// <summary>Reads the key and target columns of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">A named column is missing or of the wrong type, or the data has no rows.</exception>
    /// <exception cref="InvalidOperationException">A key reappears after another key (the rows are not grouped by series).</exception>
    public static SearchSeriesTable Read(IDataView data, string targetColumnName, string? seriesColumnName)
    {
        var target = data.Schema.GetColumnOrNull(targetColumnName)
            ?? throw new ArgumentException($"ForecastByLstm: the data has no target column '{targetColumnName}' (TargetColumnName). Columns: {ColumnsOf(data)}.", nameof(data));
        if (target.Type != NumberDataViewType.Single)
            throw new ArgumentException($"ForecastByLstm: the target column '{targetColumnName}' must be Single, but is {target.Type}. Convert it (mlContext.Transforms.Conversion.ConvertType).", nameof(data));
        DataViewSchema.Column? key = null;
        if (seriesColumnName is not null)
        {
            key = data.Schema.GetColumnOrNull(seriesColumnName)
                ?? throw new ArgumentException($"ForecastByLstm: the data has no series key column '{seriesColumnName}' (SeriesColumnName). Columns: {ColumnsOf(data)}. " +
                    "Name the key column, or set SeriesColumnName = null for one series.", nameof(data));
            if (!SeriesKeyReader.IsSupported(key.Value.Type))
                throw SeriesKeyReader.NotSupported(seriesColumnName, key.Value.Type);
        }
        var columns = key is null ? new[] { target } : new[] { target, key.Value };
        using var cursor = data.GetRowCursor(columns);
        var value = cursor.GetGetter<float>(target);
        var keys = key is null ? null : SeriesKeyReader.Create(cursor, key.Value);
        var series = new List<SearchSeries>();
        var values = new List<float>();
        long row = 0, first = 0;
        string? current = null;
        for (; cursor.MoveNext(); row++)
        {
            if (keys is not null && keys.Next(row))
            {
                series.Add(new SearchSeries(current, first, values.ToArray()));
                values.Clear();
                first = row;
            }
            current = keys?.Current;
            float v = 0;
            value(ref v);
            values.Add(v);
        }
        if (row == 0)
            throw new ArgumentException("ForecastByLstm: the data has no rows.", nameof(data));
        series.Add(new SearchSeries(current, first, values.ToArray()));
        return new SearchSeriesTable(row, series);
    }

    /// <summary>A row mask of the data keeping, of each series, the rows <c>[from, to)</c> that <paramref name="range"/> gives (within the series; empty when from ≥ to).</summary>
    public bool[] Mask(Func<SearchSeries, (int From, int To)> range)
    {
        var keep = new bool[Rows];
        foreach (var s in Series)
        {
            var (from, to) = range(s);
            if (to > from)
                Array.Fill(keep, true, (int)s.FirstRow + from, to - from);
        }
        return keep;
    }

    private static string ColumnsOf(IDataView data) => string.Join(", ", data.Schema.Select(c => c.Name));
}
