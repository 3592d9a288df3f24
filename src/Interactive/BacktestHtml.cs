using System.Globalization;
using System.Net;
using System.Text;

namespace MLNet.Lstm.Interactive;

/// <summary>A <see cref="BacktestResult"/> as HTML: what was run, its metrics, and the first and last rows of its folds.</summary>
internal static class BacktestHtml
{
    private const int FoldRowsShown = 10;

    public static string ToHtml(BacktestResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        string path = result.Recursive ? "recursive forecasts" : "direct forecasts";
        var sb = new StringBuilder("<div class=\"mlnet-lstm-backtest\"><p><b>Backtest</b>: ")
            .Append(result.Folds.Count.ToString("N0", inv)).Append(" folds, ")
            .Append(result.Fits.ToString(inv)).Append(" fit(s), ").Append(path).Append("</p>");
        if (result.SkippedSeries.Count > 0)
        {
            sb.Append("<p>Series too short for any fold (not in the metrics): ")
              .Append(WebUtility.HtmlEncode(string.Join(", ", result.SkippedSeries))).Append("</p>");
        }
        sb.Append(MetricsHtml.ToHtml(result.Metrics, $"Metrics over every step of every fold ({result.Metrics.Count.ToString("N0", inv)} pairs)"));
        sb.Append(DataFrameHtml.ToHtml(result.ToDataFrame(), FoldRowsShown, "Folds (BacktestResult.ToDataFrame())"));
        return sb.Append("</div>").ToString();
    }
}
