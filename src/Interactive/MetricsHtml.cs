using System.Globalization;
using System.Text;

namespace MLNet.Lstm.Interactive;

/// <summary><see cref="ForecastingMetrics"/> as HTML tables: the model next to persistence, then per step and per series when there are several.</summary>
internal static class MetricsHtml
{
    public static string ToHtml(ForecastingMetrics metrics, string? caption = null)
    {
        var sb = new StringBuilder(Overall(metrics, caption).ToHtml());
        if (metrics.PerStep.Count > 1)
            sb.Append(PerStep(metrics).ToHtml());
        if (metrics.PerSeries is { Count: > 0 } perSeries)
            sb.Append(PerSeries(perSeries).ToHtml());
        return sb.ToString();
    }

    private static HtmlTable Overall(ForecastingMetrics m, string? caption)
    {
        var p = m.Persistence;
        var table = new HtmlTable(caption ?? $"Forecasting metrics ({m.Count.ToString("N0", CultureInfo.InvariantCulture)} pairs)", "Metric", "Model", "Persistence")
            .Row("MAE", HtmlNumber.Format(m.MeanAbsoluteError), HtmlNumber.Format(p?.MeanAbsoluteError))
            .Row("RMSE", HtmlNumber.Format(m.RootMeanSquaredError), HtmlNumber.Format(p?.RootMeanSquaredError))
            .Row("MAPE (%)", HtmlNumber.Format(m.MeanAbsolutePercentageError), HtmlNumber.Format(p?.MeanAbsolutePercentageError))
            .Row("sMAPE (%)", HtmlNumber.Format(m.SymmetricMeanAbsolutePercentageError), HtmlNumber.Format(p?.SymmetricMeanAbsolutePercentageError))
            .Row("R²", HtmlNumber.Format(m.RSquared), HtmlNumber.Format(p?.RSquared))
            .Row("MASE (vs persistence)", HtmlNumber.Format(m.MeanAbsoluteScaledError), p is null ? HtmlNumber.Missing : "1");
        if (m.Coverage is not null)
        {
            string nominal = m.IntervalLevel is double level ? $" (nominal {HtmlNumber.Percent(level)})" : "";
            table.Row("Coverage" + nominal, HtmlNumber.Percent(m.Coverage), HtmlNumber.Missing)
                 .Row("Mean interval width", HtmlNumber.Format(m.MeanIntervalWidth), HtmlNumber.Missing);
        }
        if (m.IntervalScore is not null)
            table.Row("Interval (Winkler) score", HtmlNumber.Format(m.IntervalScore), HtmlNumber.Missing);
        if (m.PinballLoss is not null)
            table.Row("Pinball loss", HtmlNumber.Format(m.PinballLoss), HtmlNumber.Missing);
        return table;
    }

    private static HtmlTable PerStep(ForecastingMetrics m)
    {
        bool interval = m.Coverage is not null;
        var header = new List<string> { "Step", "MAE", "RMSE", "Persistence MAE" };
        if (interval)
            header.Add("Coverage");
        var table = new HtmlTable("Per forecast step", header.ToArray());
        for (int k = 0; k < m.PerStep.Count; k++)
        {
            var s = m.PerStep[k];
            var cells = new List<string>
            {
                (k + 1).ToString(CultureInfo.InvariantCulture), HtmlNumber.Format(s.MeanAbsoluteError), HtmlNumber.Format(s.RootMeanSquaredError),
                HtmlNumber.Format(m.PersistencePerStep?[k].MeanAbsoluteError),
            };
            if (interval)
                cells.Add(HtmlNumber.Percent(s.Coverage));
            table.Row(cells.ToArray());
        }
        return table;
    }

    private static HtmlTable PerSeries(IReadOnlyDictionary<string, ForecastingMetrics> perSeries)
    {
        var table = new HtmlTable("Per series", "Series", "Pairs", "MAE", "RMSE", "MASE", "Coverage");
        foreach (var (key, s) in perSeries)
        {
            table.Row(key, s.Count.ToString("N0", CultureInfo.InvariantCulture), HtmlNumber.Format(s.MeanAbsoluteError),
                HtmlNumber.Format(s.RootMeanSquaredError), HtmlNumber.Format(s.MeanAbsoluteScaledError), HtmlNumber.Percent(s.Coverage));
        }
        return table;
    }
}
