using System.Diagnostics;
using Microsoft.ML;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Suite <c>quantiles</c> (not in <c>all</c>; issue 9): the cost of prediction intervals. The same pipeline
/// (SlidingWindow → NormalizeWindows → Lstm, suite 1's series and network) fitted as a point model, with quantile
/// heads of 3 and 9 levels, and with a conformal band; one fit each, then the median of a few batched scorings of
/// every window. Ratios are against the point model.
/// </summary>
internal static class QuantileSuite
{
    private sealed class SeriesRow
    {
        public float C0 { get; set; }
        public float C1 { get; set; }
    }

    /// <summary>One fit (seconds) and the median of <paramref name="reps"/> batched scorings of every window.</summary>
    private static (double Fit, double Score) Measure(SeriesRow[] rows, TrainingConfig config, float[]? quantiles, float? conformal, int reps)
    {
        var ml = new MLContext(seed: config.Seed);
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = PipelineFit.TrainerOptions(config);
        options.Quantiles = quantiles;
        options.ConformalLevel = conformal;
        var pipeline = PipelineFit.Pipeline(ml, config, options);
        var watch = Stopwatch.StartNew();
        var model = pipeline.Fit(data);
        using var release = (IDisposable)model; // the fitted chain owns ONNX Runtime sessions
        double fit = watch.Elapsed.TotalSeconds;
        var windows = ml.Transforms.SlidingWindow("Window", new[] { "C0", "C1" }, config.WindowSize).Fit(data).Transform(data);
        var times = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            watch.Restart();
            var scored = model.Transform(windows);
            using var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name is "Score" or "LowerBound" or "UpperBound" or "Quantiles"));
            while (cursor.MoveNext())
            {
            }
            times[r] = watch.Elapsed.TotalSeconds;
        }
        return (fit, Harness.Median(times));
    }

    public static void Run(BenchmarkSettings s)
    {
        var config = TrainingSuite.Config(s);
        var series = TrainingSuite.SyntheticSeries(config.Rows, config.Features, config.Seed);
        var rows = Enumerable.Range(0, config.Rows).Select(i => new SeriesRow { C0 = series[2 * i], C1 = series[2 * i + 1] }).ToArray();
        var variants = new (string Name, float[]? Quantiles, float? Conformal)[]
        {
            ("point (MSE)", null, null),
            ("quantiles 0.05, 0.5, 0.95 (q = 3)", new[] { 0.05f, 0.5f, 0.95f }, null),
            ("quantiles 0.1 … 0.9 (q = 9)", Enumerable.Range(1, 9).Select(i => i / 10f).ToArray(), null),
            ("point + conformal 0.9 (20% calibration)", null, 0.9f),
        };
        s.Line($"### Quantile heads: {config.Windows:N0} windows (T={config.WindowSize}, F={config.Features}), LSTM {config.Layers}×{config.Hidden}, batch {config.BatchSize}, {config.Epochs} epoch(s), torch threads {config.Threads}; one fit, scoring median of {Math.Max(1, s.Repetitions)}");
        s.Line();
        s.Line("| model | fit s | fit ÷ point | score all windows s | score ÷ point |");
        s.Line("|---|---:|---:|---:|---:|");
        // An uncounted warm-up fit first (torch's native load, JIT), then one fit of each variant.
        Measure(rows, config, null, null, 1);
        double pointFit = 0, pointScore = 0;
        foreach (var (name, quantiles, conformal) in variants)
        {
            var (fit, score) = Measure(rows, config, quantiles, conformal, Math.Max(1, s.Repetitions));
            if (quantiles is null && conformal is null)
                (pointFit, pointScore) = (fit, score);
            s.Line($"| {name} | {fit:F2} | {fit / pointFit:F2} | {score:F3} | {score / pointScore:F2} |");
        }
        s.Line();
    }
}
