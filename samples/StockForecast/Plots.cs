using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm;
using ScottPlot;

namespace StockForecast;

/// <summary>The first step's forecast and band of each test window, read once from the scored test period.</summary>
internal sealed record TestBands(float[] Score, float[] LowerBound, float[] UpperBound)
{
    public static TestBands Read(IDataView scored) => new(First(scored, "Score"), First(scored, "LowerBound"), First(scored, "UpperBound"));

    private static float[] First(IDataView scored, string column)
    {
        var values = new List<float>();
        var col = scored.Schema[column];
        using var cursor = scored.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            values.Add(buffer.GetItemOrDefault(0));
        }
        return values.ToArray();
    }
}

/// <summary>The sample's PNG plots, each written to a temporary name and renamed when complete.</summary>
internal static class Plots
{
    private const int PlotWidth = 1200, PlotHeight = 600;

    /// <summary>
    /// One step ahead from every true window over the test period. The test series starts <paramref name="window"/>
    /// rows early (its first window ends on the last training day); the x-axis starts at the first test day (0).
    /// </summary>
    public static string PointByPoint(SeriesPrediction prediction, string target, int window, string path)
    {
        var plot = new Plot();
        AddTruth(plot, prediction.Observed, target, window);
        var aligned = prediction.ToRowAligned();
        var rows = Enumerable.Range(window, aligned.Length - window).Where(i => !float.IsNaN(aligned[i])).ToArray();
        var line = plot.Add.ScatterLine(rows.Select(i => (double)(i - window)).ToArray(), rows.Select(i => (double)aligned[i]).ToArray());
        line.LegendText = "point-by-point prediction";
        line.Color = Colors.OrangeRed;
        plot.Title($"{target}: one step ahead from true windows (test period)");
        plot.Axes.SetLimitsX(0, prediction.Observed.Length - window); // the axis starts at the first test day
        return Save(plot, "day of test period", target, path);
    }

    /// <summary>Recursive sequences restarted from true windows, on the same test-day axis as <see cref="PointByPoint"/>.</summary>
    public static string MultipleSequences(SeriesPrediction prediction, string target, int window, string path)
    {
        var plot = new Plot();
        AddTruth(plot, prediction.Observed, target, window);
        bool first = true;
        foreach (var segment in prediction.Segments)
        {
            var xs = Enumerable.Range(segment.StartRow - window, segment.Values.Length).Select(i => (double)i).ToArray();
            var line = plot.Add.ScatterLine(xs, segment.Values.Select(v => (double)v).ToArray());
            line.LegendText = first ? "multiple-sequence predictions" : "";
            line.Color = Colors.OrangeRed;
            first = false;
        }
        plot.Title($"{target}: recursive sequences restarted from true windows ({prediction.CovariatePolicy})");
        plot.Axes.SetLimitsX(0, prediction.Observed.Length - window + 1);
        return Save(plot, "day of test period", target, path);
    }

    public static string Losses(IReadOnlyList<LstmEpochResult> history, string path)
    {
        var plot = new Plot();
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        var train = plot.Add.ScatterLine(epochs, history.Select(h => h.TrainLoss).ToArray());
        train.LegendText = "training loss";
        train.MarkerSize = 8;
        var validated = history.Where(h => h.ValidationLoss is not null).ToArray();
        if (validated.Length > 0)
        {
            var validation = plot.Add.ScatterLine(validated.Select(h => (double)h.Epoch).ToArray(),
                validated.Select(h => h.ValidationLoss!.Value).ToArray());
            validation.LegendText = "validation loss";
            validation.MarkerSize = 8;
        }
        plot.Title("Loss per epoch (normalised units)");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        return Save(plot, "epoch", "MSE", path);
    }

    /// <summary>
    /// The fan chart: the last days of the series with the one-step-ahead forecasts and their band on the test period,
    /// and the forecast past the end of the data with its band.
    /// </summary>
    public static string Fan(IDataView series, TestBands bands, string target, NextDayForecast next, double level, string path)
    {
        const int Tail = 120;
        var observed = series.GetColumn<float>(target).ToArray();
        var (score, lower, upper) = (bands.Score, bands.LowerBound, bands.UpperBound);
        // The test windows' first-step labels are consecutive rows ending h - 1 rows before the end of the series.
        int n = observed.Length, h = next.Score.Length, shown = Math.Min(Tail, score.Length), from = n - h + 1 - shown;
        var xs = Enumerable.Range(from, shown).Select(i => (double)i).ToArray();
        var plot = new Plot();
        var band = plot.Add.FillY(xs, lower[^shown..].Select(v => (double)v).ToArray(), upper[^shown..].Select(v => (double)v).ToArray());
        band.FillColor = Colors.Orange.WithAlpha(0.3);
        band.LineStyle.Width = 0; // the band is a fill only: black edges would read as the true series
        band.LegendText = $"{level:P0} band (one step ahead, test period)";
        var truth = plot.Add.ScatterLine(Enumerable.Range(from, n - from).Select(i => (double)i).ToArray(), observed[from..].Select(v => (double)v).ToArray());
        truth.LegendText = $"true {target}";
        truth.Color = Colors.Black;
        var forecast = plot.Add.ScatterLine(xs, score[^shown..].Select(v => (double)v).ToArray());
        forecast.LegendText = "forecast (one step ahead)";
        forecast.Color = Colors.DarkOrange;
        // Past the end: each forecast step as a point with its band as a vertical bar (no fill joins it to the last
        // true value, which would draw a sliver that is no band at all).
        for (int k = 0; k < h; k++)
        {
            var bar = plot.Add.Line(n + k, next.LowerBound[k], n + k, next.UpperBound[k]);
            bar.Color = Colors.Crimson;
            bar.LineWidth = 3;
            bar.LegendText = k == 0 ? $"{level:P0} band past the end" : "";
        }
        var ahead = plot.Add.Scatter(Enumerable.Range(n, h).Select(i => (double)i).ToArray(), next.Score.Select(v => (double)v).ToArray());
        ahead.Color = Colors.Crimson;
        ahead.LineWidth = 0;
        ahead.MarkerSize = 8;
        ahead.LegendText = "forecast past the end";
        plot.Title($"{target}: one-step forecasts with their {level:P0} conformal band, last {shown} test days and the day after the data");
        return Save(plot, "row of the series", target, path);
    }

    /// <summary>The backtest: each fold's forecast and band against the actual values.</summary>
    public static string Backtest(BacktestResult result, string target, string path)
    {
        var plot = new Plot();
        var folds = result.Folds;
        int h = folds[0].Forecast.Length, step = h - 1; // the last step of each fold (Darts' last_points_only)
        var xs = folds.Select(f => (double)(f.Start + step)).ToArray();
        if (folds[0].LowerBound is not null)
        {
            var band = plot.Add.FillY(xs, folds.Select(f => (double)f.LowerBound![step]).ToArray(), folds.Select(f => (double)f.UpperBound![step]).ToArray());
            band.FillColor = Colors.Orange.WithAlpha(0.3);
            band.LineStyle.Width = 0;
            band.LegendText = "band of the backtest forecast";
        }
        var actual = plot.Add.ScatterLine(xs, folds.Select(f => (double)f.Actual[step]).ToArray());
        actual.LegendText = $"true {target}";
        actual.Color = Colors.Black;
        var forecast = plot.Add.ScatterLine(xs, folds.Select(f => (double)f.Forecast[step]).ToArray());
        forecast.LegendText = $"backtest forecast (step {h})";
        forecast.Color = Colors.DarkOrange;
        forecast.MarkerSize = 5;
        plot.Title($"{target}: walk-forward backtest, {folds.Count} folds" + (result.Metrics.Coverage is double c ? $", coverage {c:P0}" : ""));
        return Save(plot, "row of the series", target, path);
    }

    /// <summary>The true series from row <paramref name="firstRow"/> on, drawn at x = row - <paramref name="firstRow"/>.</summary>
    private static void AddTruth(Plot plot, float[] observed, string target, int firstRow)
    {
        var truth = plot.Add.ScatterLine(
            Enumerable.Range(0, observed.Length - firstRow).Select(i => (double)i).ToArray(),
            observed[firstRow..].Select(v => (double)v).ToArray());
        truth.LegendText = $"true {target}";
        truth.Color = Colors.Black;
    }

    private static string Save(Plot plot, string xLabel, string yLabel, string path)
    {
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        string temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileNameWithoutExtension(path)}.{Guid.NewGuid():N}.png");
        plot.SavePng(temp, PlotWidth, PlotHeight);
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
