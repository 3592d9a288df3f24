using System.Globalization;
using Microsoft.Data.Analysis;

namespace MLNet.Lstm.Interactive;

/// <summary>
/// A <see cref="DataFrame"/> (e.g. from <c>SeriesForecaster.ForecastFrame</c>) as an HTML table: numbers rounded
/// (<see cref="HtmlNumber"/>), dates without a zero time of day, missing values as <see cref="HtmlNumber.Missing"/>,
/// and the first and last rows of a long frame.
/// </summary>
internal static class DataFrameHtml
{
    /// <summary>Rows shown at most; a longer frame shows its first and last half of them.</summary>
    public const int DefaultMaxRows = 20;

    public static string ToHtml(DataFrame frame, int maxRows = DefaultMaxRows, string? caption = null)
    {
        long n = frame.Rows.Count;
        caption ??= $"DataFrame: {n.ToString("N0", CultureInfo.InvariantCulture)} rows, {frame.Columns.Count} columns";
        var table = new HtmlTable(caption, frame.Columns.Select(c => c.Name).ToArray());
        var shown = n <= maxRows
            ? Enumerable.Range(0, (int)n).Select(i => (long)i)
            : Enumerable.Range(0, maxRows / 2).Select(i => (long)i).Concat(Enumerable.Range(0, maxRows - maxRows / 2).Select(i => n - (maxRows - maxRows / 2) + i));
        long previous = -1;
        foreach (long row in shown)
        {
            if (previous >= 0 && row != previous + 1)
                table.Row(frame.Columns.Select((_, i) => i == 0 ? $"… {row - previous - 1:N0} more rows" : "…").ToArray());
            table.Row(frame.Columns.Select(c => Cell(c[row])).ToArray());
            previous = row;
        }
        return table.ToHtml();
    }

    private static string Cell(object? value) => value switch
    {
        null => HtmlNumber.Missing,
        float f => HtmlNumber.Format(f),
        double d => HtmlNumber.Format(d),
        decimal m => HtmlNumber.Format((double)m),
        DateTime t => t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
