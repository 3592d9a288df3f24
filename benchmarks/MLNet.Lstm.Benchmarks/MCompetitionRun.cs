using System.Diagnostics;
using Microsoft.ML;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// One global fit over a set and its forecasts: <see cref="Forecasts"/> (one array of h per series, the set's order),
/// the wall-clock seconds of <c>Fit</c>, the peak resident memory during the fit (<c>VmHWM</c> after resetting it; the
/// process's peak so far where the reset is not possible, <see cref="PeakIsSinceStart"/>), how many series were shorter
/// than the model's window and were forecast by <c>ForecastBySeries</c> from left-padded rows, and the model's window.
/// </summary>
public sealed record MCompetitionFit(double[][] Forecasts, double FitSeconds, long PeakBytes, bool PeakIsSinceStart, int Padded, int WindowSize);

/// <summary>Fits an estimator over the series of a set (columns <see cref="SeriesColumn"/>, <see cref="TargetColumn"/>) and forecasts h steps for every series.</summary>
public static class MCompetitionRun
{
    /// <summary>The series key column.</summary>
    public const string SeriesColumn = "Series";

    /// <summary>The target column.</summary>
    public const string TargetColumn = "y";

    /// <summary>One row: the series' key and one value, series contiguous and in time order.</summary>
    public sealed class KeyedRow
    {
        public string Series { get; set; } = "";
        public float y { get; set; }
    }

    /// <summary>
    /// Fits <paramref name="estimator"/> on the training parts of <paramref name="series"/> and forecasts
    /// <see cref="MCompetitionSet.Horizon"/> steps after each with <c>SeriesForecaster.ForecastBySeries</c>, which
    /// left-pads a series shorter than the fitted model's window (counted in <see cref="MCompetitionFit.Padded"/>).
    /// </summary>
    public static MCompetitionFit Run(MLContext ml, IEstimator<ITransformer> estimator, MCompetitionSet set, IReadOnlyList<MCompetitionSeries> series)
    {
        var train = ml.Data.LoadFromEnumerable(Rows(series));
        bool reset = ResetPeak();
        var clock = Stopwatch.StartNew();
        var model = estimator.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        long peak = MemorySuite.PeakBytes();
        try
        {
            using var forecaster = SeriesForecaster.Create(model);
            var predictions = forecaster.ForecastBySeries(train, set.Horizon);
            var forecasts = series.Select(s => Values(predictions, s.Name, set.Horizon)).ToArray();
            return new MCompetitionFit(forecasts, seconds, peak, !reset, predictions.Values.Count(p => p.PaddedRows > 0), forecaster.Windowing.WindowSize);
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    /// <summary>The rows of <paramref name="series"/>' training parts, one series after another.</summary>
    public static IEnumerable<KeyedRow> Rows(IEnumerable<MCompetitionSeries> series) =>
        series.SelectMany(s => s.Train.Select(v => new KeyedRow { Series = s.Name, y = (float)v }));

    private static double[] Values(IReadOnlyDictionary<string, SeriesPrediction> predictions, string name, int horizon)
    {
        if (!predictions.TryGetValue(name, out var prediction))
            throw new InvalidOperationException($"ForecastBySeries returned no forecast for series '{name}' ({predictions.Count} series forecast).");
        var values = prediction.Segments.SelectMany(s => s.Values).Select(v => (double)v).ToArray();
        if (values.Length != horizon)
            throw new InvalidOperationException($"ForecastBySeries returned {values.Length} values for series '{name}'; expected {horizon}.");
        return values;
    }

    /// <summary>Resets this process's peak resident set (Linux: <c>5</c> into <c>/proc/self/clear_refs</c>); false where that is not possible.</summary>
    private static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }
}
