using System.Diagnostics;
using Microsoft.ML;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Suite <c>global</c> (issue 10, not in <c>all</c>): one global model fitted over N synthetic series (stacked with a
/// <c>Series</c> key, <c>SlidingWindow.SeriesColumnName</c>) against N separate fits, one per series, with the same
/// pipeline and hyperparameters (<c>SlidingWindow(T = 12) → NormalizeWindows(RelativeToFirst) → Lstm([16])</c>, 10 epochs,
/// batch 32, Adam 0.01, seed 1). Accuracy: one-step-ahead MAPE over the last 40 windows of every series (held out
/// from both fits), pooled. One run each after an untimed warm-up fit, no repetitions: the times are wall-clock of the
/// fits (the N separate fits summed), scoring excluded.
/// </summary>
internal static class GlobalSuite
{
    public const string Verb = "global";

    private const int Window = 12, HeldOut = 40;

    private sealed class KeyedRow
    {
        public string Series { get; set; } = "";
        public float Value { get; set; }
    }

    public static void Run(BenchmarkSettings s)
    {
        int rows = s.Quick ? 80 : 300, epochs = s.Quick ? 1 : 10;
        int[] counts = s.Quick ? new[] { 2 } : new[] { 4, 64 };
        s.Line($"### Global model: one fit over N series vs N separate fits ({rows} rows per series, last {HeldOut} windows held out, T={Window}, hidden 16, {epochs} epochs, torch threads {s.Threads})");
        s.Line();
        s.Line("| N series | fit | training windows | wall time (s) | pooled MAPE (%) |");
        s.Line("|---:|---|---:|---:|---:|");
        FitGlobal(new[] { Synthetic(0, 80) }, 1, s.Threads); // untimed warm-up: torch and ONNX Runtime start-up, JIT
        foreach (int n in counts)
        {
            var series = Enumerable.Range(0, n).Select(k => Synthetic(k, rows)).ToArray();
            var (globalSeconds, globalMape, globalWindows) = FitGlobal(series, epochs, s.Threads);
            s.Line($"| {n} | one global model | {globalWindows:N0} | {globalSeconds:F1} | {globalMape:F2} |");
            var (separateSeconds, separateMape, separateWindows) = FitSeparately(series, epochs, s.Threads);
            s.Line($"| {n} | {n} separate models | {separateWindows:N0} | {separateSeconds:F1} | {separateMape:F2} |");
        }
        s.Line();
    }

    /// <summary>Series k: level 100·(1 + k mod 7)·… (scales from 100 to 700), a seasonal cycle of period 10 + k mod 13, a trend and noise.</summary>
    internal static float[] Synthetic(int k, int rows)
    {
        var rng = new Random(1000 + k);
        double level = 100 * (1 + k % 7), period = 10 + k % 13, phase = rng.NextDouble() * 2 * Math.PI, trend = (rng.NextDouble() - 0.5) * 0.002;
        return Enumerable.Range(0, rows).Select(t => (float)(level * (1 + trend * t + 0.2 * Math.Sin(2 * Math.PI * t / period + phase) + 0.02 * (rng.NextDouble() * 2 - 1)))).ToArray();
    }

    private static (double Seconds, double Mape, int Windows) FitGlobal(float[][] series, int epochs, int threads)
    {
        var ml = new MLContext(1);
        var train = ml.Data.LoadFromEnumerable(series.SelectMany((values, k) => Rows(k, values[..^HeldOut])).ToArray());
        var sw = Stopwatch.StartNew();
        var model = Pipeline(ml, epochs, threads).Fit(train);
        double seconds = sw.Elapsed.TotalSeconds;
        double mape = series.Select((values, k) => Mape(ml, model, k, values)).Average();
        int windows = series.Sum(v => v.Length - HeldOut - Window);
        (model as IDisposable)?.Dispose();
        return (seconds, mape, windows);
    }

    private static (double Seconds, double Mape, int Windows) FitSeparately(float[][] series, int epochs, int threads)
    {
        var ml = new MLContext(1);
        double seconds = 0, mapeSum = 0;
        for (int k = 0; k < series.Length; k++)
        {
            var train = ml.Data.LoadFromEnumerable(Rows(k, series[k][..^HeldOut]).ToArray());
            var sw = Stopwatch.StartNew();
            var model = Pipeline(ml, epochs, threads).Fit(train);
            seconds += sw.Elapsed.TotalSeconds;
            mapeSum += Mape(ml, model, k, series[k]);
            (model as IDisposable)?.Dispose();
        }
        return (seconds, mapeSum / series.Length, series.Sum(v => v.Length - HeldOut - Window));
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, int epochs, int threads) =>
        ml.Transforms.SlidingWindow("Window", new[] { "Value" }, Window, seriesColumnName: "Series")
            .Append(ml.Transforms.NormalizeWindows("Window"))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 16 },
                Dropout = 0f,
                Epochs = epochs,
                BatchSize = 32,
                LearningRate = 0.01f,
                Seed = 1,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = threads },
            }));

    /// <summary>One-step-ahead MAPE (%) of series <paramref name="k"/>'s last <see cref="HeldOut"/> windows.</summary>
    private static double Mape(MLContext ml, ITransformer model, int k, float[] values)
    {
        var scored = model.Transform(ml.Data.LoadFromEnumerable(Rows(k, values).ToArray()));
        var scores = ml.Data.CreateEnumerable<Scored>(scored, reuseRowObject: false).ToArray();
        return scores.TakeLast(HeldOut).Average(r => Math.Abs((r.Score[0] - r.Label) / r.Label)) * 100;
    }

    private sealed class Scored
    {
        public float Label { get; set; }
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    private static IEnumerable<KeyedRow> Rows(int k, float[] values) =>
        values.Select(v => new KeyedRow { Series = "s" + k, Value = v });
}
