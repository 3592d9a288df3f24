using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;

namespace MLNet.Lstm.Interactive;

/// <summary>
/// HTML formatters for .NET Interactive (Polyglot Notebooks): after <see cref="Register"/>, <c>display(x)</c> and a
/// cell's last value render as tables instead of object trees.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description><see cref="ForecastingMetrics"/>: the model next to the persistence baseline (MAE, RMSE, MAPE,
/// sMAPE, R², MASE; coverage beside its nominal level, interval width and scores when there are bounds), then per step
/// and per series when there are several; numbers rounded to about four significant digits.</description></item>
/// <item><description><see cref="BacktestResult"/>: folds, fits, its metrics and the first and last rows of
/// <see cref="BacktestResult.ToDataFrame()"/>.</description></item>
/// <item><description><see cref="DataFrame"/> (e.g. <c>SeriesForecaster.ForecastFrame</c>): a table of at most 20 rows,
/// numbers rounded, dates as <c>yyyy-MM-dd</c>, missing values as a dash.</description></item>
/// <item><description><see cref="LstmModelSummary"/>: a Keras-style table of layers, output shapes and parameters.</description></item>
/// </list>
/// </remarks>
public static class LstmFormatters
{
    /// <summary>Registers the HTML formatters (<c>text/html</c>) with .NET Interactive; calling it again replaces them.</summary>
    public static void Register()
    {
        Formatter.Register<ForecastingMetrics>(m => MetricsHtml.ToHtml(m), HtmlFormatter.MimeType);
        Formatter.Register<BacktestResult>(BacktestHtml.ToHtml, HtmlFormatter.MimeType);
        Formatter.Register<DataFrame>(f => DataFrameHtml.ToHtml(f), HtmlFormatter.MimeType);
        Formatter.Register<LstmModelSummary>(ModelSummaryHtml.ToHtml, HtmlFormatter.MimeType);
    }
}
