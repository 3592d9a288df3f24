using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>
/// A tiny fitted chain SlidingWindow → NormalizeWindows → Lstm over a two-column series (A, B), T = 10, trained once
/// per window column name and normalisation (one epoch, 4 hidden units: seconds), and its saved zip.
/// </summary>
internal static class TinyChain
{
    public const int T = 10;
    public const int F = 2;
    public const int Size = T * F;

    public sealed class Step
    {
        public float A { get; set; }
        public float B { get; set; }
    }

    /// <summary>A window row for prediction engines, window column <c>Window</c>.</summary>
    public sealed class WindowInput
    {
        [VectorType(Size)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    public sealed class ScoreOutput
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    public sealed record Fitted(TransformerChain<LstmForecastingTransformer> Model, string ZipPath, IDataView Series);

    private static readonly Dictionary<(string, WindowNormalization), Fitted> Cache = new();
    private static readonly object Gate = new();

    public static IDataView Series(MLContext ml, int rows = 120) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows)
            .Select(i => new Step { A = 100 + 10 * MathF.Sin(i / 5f) + 0.1f * i, B = 50 + 5 * MathF.Cos(i / 7f) })
            .ToArray());

    /// <summary>The fitted chain on window column <paramref name="window"/>, and its zip (kept for the test run).</summary>
    public static Fitted Get(string window = "Window", WindowNormalization mode = WindowNormalization.RelativeToFirst)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue((window, mode), out var fitted))
                return fitted;
            var ml = new MLContext(seed: 1);
            var series = Series(ml);
            var model = ml.Transforms.SlidingWindow(window, new[] { "A", "B" }, T)
                .Append(ml.Transforms.NormalizeWindows(window, mode: mode))
                .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
                {
                    FeatureColumnName = window,
                    HiddenSizes = new[] { 4 },
                    Dropout = 0,
                    Epochs = 1,
                    Seed = 1,
                    Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
                }))
                .Fit(series);
            string path = Path.Combine(Path.GetTempPath(), $"tiny-chain-{window}-{mode}-{Guid.NewGuid():N}.zip");
            ml.Model.Save(model, series.Schema, path);
            fitted = new Fitted(model, path, series);
            Cache[(window, mode)] = fitted;
            return fitted;
        }
    }

    /// <summary>A window of the series' shape starting at <paramref name="start"/> (time-major A, B).</summary>
    public static float[] Window(int start = 0)
    {
        var window = new float[Size];
        for (int t = 0; t < T; t++)
        {
            int i = start + t;
            window[t * F] = 100 + 10 * MathF.Sin(i / 5f) + 0.1f * i;
            window[t * F + 1] = 50 + 5 * MathF.Cos(i / 7f);
        }
        return window;
    }
}
