using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Search;

/// <summary>
/// The series of the one call's input: one per key (each key's rows contiguous, checked as <c>SlidingWindow</c> checks
/// them), or the whole data as one series without a key column, with each series' first row and its target values;
/// read by <see cref="SeriesReader"/> (the one reader of series data) after the one call's own column checks.
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
        var table = SeriesReader.Read(data, new[] { targetColumnName }, seriesColumnName, nameof(data));
        if (table.Rows.Length == 0)
            throw new ArgumentException("ForecastByLstm: the data has no rows.", nameof(data));
        var series = table.Spans.Select(span => new SearchSeries(span.Key, span.FirstRow, table.RowsOf(span).Select(row => row[0]).ToArray())).ToArray();
        return new SearchSeriesTable(table.Rows.Length, series);
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
