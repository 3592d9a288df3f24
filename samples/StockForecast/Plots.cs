using MLNet.Lstm;
using ScottPlot;

namespace StockForecast;

/// <summary>The sample's three PNG plots, each written to a temporary name and renamed when complete.</summary>
internal static class Plots
{
    private const int PlotWidth = 1200, PlotHeight = 600;

    public static string PointByPoint(SeriesPrediction prediction, string target, string path)
    {
        var plot = new Plot();
        AddTruth(plot, prediction.Observed, target);
        var aligned = prediction.ToRowAligned();
        var xs = Enumerable.Range(0, aligned.Length).Where(i => !float.IsNaN(aligned[i])).ToArray();
        var line = plot.Add.ScatterLine(xs.Select(i => (double)i).ToArray(), xs.Select(i => (double)aligned[i]).ToArray());
        line.LegendText = "point-by-point prediction";
        plot.Title($"{target}: one step ahead from true windows (test period)");
        return Save(plot, "day of test period", target, path);
    }

    public static string MultipleSequences(SeriesPrediction prediction, string target, string path)
    {
        var plot = new Plot();
        AddTruth(plot, prediction.Observed, target);
        bool first = true;
        foreach (var segment in prediction.Segments)
        {
            var xs = Enumerable.Range(segment.StartRow, segment.Values.Length).Select(i => (double)i).ToArray();
            var line = plot.Add.ScatterLine(xs, segment.Values.Select(v => (double)v).ToArray());
            line.LegendText = first ? "multiple-sequence predictions" : "";
            line.Color = Colors.OrangeRed;
            first = false;
        }
        plot.Title($"{target}: recursive sequences restarted from true windows ({prediction.CovariatePolicy})");
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

    private static void AddTruth(Plot plot, float[] observed, string target)
    {
        var truth = plot.Add.ScatterLine(
            Enumerable.Range(0, observed.Length).Select(i => (double)i).ToArray(),
            observed.Select(v => (double)v).ToArray());
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
