using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Tests.Windows;

namespace MLNet.Lstm.Tests.Intervals;

/// <summary>Issue 9 end to end: a quantile + conformal model through Transform, save / stock load, LoadModel, PredictionEngine and ExportOnnx.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public class IntervalModelTests
{
    private const int T = 8, H = 2;

    private sealed class Row
    {
        public float X { get; set; }
    }

    public sealed class WindowInput
    {
        [VectorType(T)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    public sealed class BandOutput
    {
        [VectorType(H)]
        public float[] Score { get; set; } = Array.Empty<float>();

        [VectorType(H)]
        public float[] LowerBound { get; set; } = Array.Empty<float>();

        [VectorType(H)]
        public float[] UpperBound { get; set; } = Array.Empty<float>();

        [VectorType(H * 3)]
        public float[] Quantiles { get; set; } = Array.Empty<float>();
    }

    private static IDataView Series(MLContext ml, int rows = 160) => ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows)
        .Select(i => new Row { X = (float)(100 + 10 * Math.Sin(i / 5.0) + 0.2 * i + (i * 7919 % 13) * 0.3) }).ToArray());

    internal static EstimatorChain<LstmForecastingTransformer> Pipeline(MLContext ml, float[]? quantiles, float? conformal) =>
        ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: T, horizon: H)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.MinMax))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 4 },
                Epochs = 2,
                BatchSize = 16,
                Seed = 3,
                Quantiles = quantiles,
                ConformalLevel = conformal,
                CalibrationFraction = 0.25f,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));

    private static (float[][] Score, float[][] Lower, float[][] Upper) Bands(IDataView scored) =>
        (WindowTestUtil.Vectors(scored, "Score").ToArray(), WindowTestUtil.Vectors(scored, "LowerBound").ToArray(), WindowTestUtil.Vectors(scored, "UpperBound").ToArray());

    private static void AssertOrdered(float[][] score, float[][] lower, float[][] upper)
    {
        Assert.NotEmpty(score);
        for (int i = 0; i < score.Length; i++)
        {
            for (int k = 0; k < H; k++)
            {
                Assert.True(float.IsFinite(score[i][k]), $"row {i} step {k}: score {score[i][k]}");
                Assert.True(lower[i][k] <= score[i][k] && score[i][k] <= upper[i][k],
                    $"row {i} step {k}: {lower[i][k]} ≤ {score[i][k]} ≤ {upper[i][k]} does not hold");
            }
        }
    }

    private static void AssertClose(float[][] expected, float[][] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            for (int k = 0; k < expected[i].Length; k++)
                Assert.True(Math.Abs(expected[i][k] - actual[i][k]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i][k])), $"{what} row {i} [{k}]: {expected[i][k]} vs {actual[i][k]}");
    }

    [Fact]
    public void QuantileConformalModelIsOrderedBeforeAndAfterSaveStockLoadAndLoadModel()
    {
        var ml = new MLContext(seed: 1);
        var series = Series(ml);
        using var model = Pipeline(ml, new[] { 0.1f, 0.9f }, 0.8f).Fit(series);
        var lstm = model.LastTransformer;
        Assert.Equal(new[] { 0.1f, 0.5f, 0.9f }, lstm.QuantileLevels);
        Assert.Equal(0.8, lstm.IntervalLevel!.Value, 6);
        Assert.Equal(H, lstm.ConformalWidths!.Count);
        Assert.Equal(new[] { "Score", "LowerBound", "UpperBound", "Quantiles" }, lstm.OutputColumnNames);
        // 160 rows → 151 labelled windows: 113 training, 38 calibration (0.25).
        Assert.Equal(113, lstm.Settings.TrainingRowCount);

        var scored = model.Transform(series);
        var (score, lower, upper) = Bands(scored);
        AssertOrdered(score.Where(s => float.IsFinite(s[0])).ToArray(), lower.Where(s => float.IsFinite(s[0])).ToArray(), upper.Where(s => float.IsFinite(s[0])).ToArray());
        var quantiles = WindowTestUtil.Vectors(scored, "Quantiles").ToArray();
        for (int i = 0; i < quantiles.Length; i++)
        {
            if (!float.IsFinite(score[i][0]))
                continue;
            for (int k = 0; k < H; k++)
            {
                Assert.True(quantiles[i][k * 3] < quantiles[i][k * 3 + 1] && quantiles[i][k * 3 + 1] < quantiles[i][k * 3 + 2], $"row {i} step {k} crosses");
                Assert.Equal(score[i][k], quantiles[i][k * 3 + 1]);
            }
        }

        var path = Path.Combine(Path.GetTempPath(), $"intervals-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, series.Schema, path);
            var windows = ml.Transforms.SlidingWindow("Window", new[] { "X" }, T).Fit(series).Transform(series);
            var expected = model.Transform(windows);
            using var stock = (TransformerChain<ITransformer>)new MLContext().Model.Load(path, out _);
            using var ours = (TransformerChain<ITransformer>)new MLContext().Forecasting.LoadModel(path, out _);
            foreach (var (name, loaded) in new[] { ("stock Load", (ITransformer)stock), ("LoadModel", ours) })
            {
                var view = loaded.Transform(windows);
                foreach (var column in new[] { "Score", "LowerBound", "UpperBound", "Quantiles" })
                {
                    Assert.Equal(expected.Schema[column].Type, view.Schema[column].Type);
                    AssertClose(WindowTestUtil.Vectors(expected, column).ToArray(), WindowTestUtil.Vectors(view, column).ToArray(), $"{name} {column}");
                }
                var (s, l, u) = Bands(view);
                AssertOrdered(s, l, u);
            }
            var reloaded = (LstmForecastingTransformer)ours.LastTransformer;
            Assert.Equal(lstm.QuantileLevels, reloaded.QuantileLevels);
            Assert.Equal(lstm.ConformalWidths, reloaded.ConformalWidths);
            Assert.Equal(lstm.IntervalLevel, reloaded.IntervalLevel);

            // PredictionEngine over the stock-loaded chain: [VectorType(h)] float[] LowerBound etc.
            var engine = ml.Model.CreatePredictionEngine<WindowInput, BandOutput>(stock);
            foreach (var window in WindowTestUtil.Vectors(windows, "Window").Take(10))
            {
                var p = engine.Predict(new WindowInput { Window = window });
                AssertOrdered(new[] { p.Score }, new[] { p.LowerBound }, new[] { p.UpperBound });
                Assert.Equal(p.Score[1], p.Quantiles[4]);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ConformalPointModelHasBoundsAndExportOnnxExposesThem()
    {
        var ml = new MLContext(seed: 1);
        var series = Series(ml);
        using var model = Pipeline(ml, null, 0.9f).Fit(series);
        var lstm = model.LastTransformer;
        Assert.Null(lstm.QuantileLevels);
        Assert.Equal(new[] { "Score", "LowerBound", "UpperBound" }, lstm.OutputColumnNames);
        Assert.All(lstm.ConformalWidths!, w => Assert.True(w > 0, $"width {w}"));
        var windows = ml.Transforms.SlidingWindow("Window", new[] { "X" }, T).Fit(series).Transform(series);
        var scored = model.Transform(windows);
        var (score, lower, upper) = Bands(scored);
        AssertOrdered(score, lower, upper);

        using var stream = new MemoryStream();
        ml.Forecasting.ExportOnnx(model, stream);
        using var session = new InferenceSession(stream.ToArray());
        var rows = WindowTestUtil.Vectors(windows, "Window");
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(rows.SelectMany(r => r).ToArray(), new[] { rows.Count, T })) });
        Assert.Equal(new[] { "Score", "LowerBound", "UpperBound" }, results.Select(r => r.Name));
        float[][] Out(string name) => results.Single(r => r.Name == name).AsTensor<float>().ToArray().Chunk(H).ToArray();
        AssertClose(lower, Out("LowerBound"), "exported LowerBound");
        AssertClose(upper, Out("UpperBound"), "exported UpperBound");
        Assert.Equal("0.9", session.ModelMetadata.CustomMetadataMap["mlnet_lstm.interval_level"]);
    }

    [Fact]
    public void BacktestReadsTheModelsBandsAndSeriesForecasterStillForecasts()
    {
        var ml = new MLContext(seed: 1);
        var series = Series(ml);
        var direct = ml.Forecasting.Backtest(Pipeline(ml, new[] { 0.1f, 0.9f }, null), series,
            new BacktestOptions { Start = 130, Horizon = H, Stride = 5, IntervalLevel = 0.8 });
        Assert.Equal((160 - H - 130) / 5 + 1, direct.Folds.Count);
        Assert.All(direct.Folds, f =>
        {
            for (int k = 0; k < H; k++)
                Assert.True(f.LowerBound![k] <= f.Forecast[k] && f.Forecast[k] <= f.UpperBound![k], $"fold {f.Start} step {k}");
        });
        Assert.NotNull(direct.Metrics.Coverage);
        Assert.Equal(0.8, direct.Metrics.IntervalLevel!.Value, 6);

        // Recursive (horizon 4 > the model's 2) through SeriesForecaster: point forecasts, no bounds.
        var recursive = ml.Forecasting.Backtest(Pipeline(ml, new[] { 0.1f, 0.9f }, null), series, new BacktestOptions { Start = 130, Horizon = 4, Stride = 10 });
        Assert.True(recursive.Recursive);
        Assert.All(recursive.Folds, f => Assert.All(f.Forecast, v => Assert.True(float.IsFinite(v) && v > 50 && v < 200, $"forecast {v}")));
    }

    [Fact]
    public void PointModelHasNoBoundColumns()
    {
        var ml = new MLContext(seed: 1);
        var series = Series(ml, 60);
        using var model = Pipeline(ml, null, null).Fit(series);
        var scored = model.Transform(series);
        Assert.Null(scored.Schema.GetColumnOrNull("LowerBound"));
        Assert.Null(scored.Schema.GetColumnOrNull("Quantiles"));
        var lstm = model.LastTransformer;
        Assert.Null(lstm.IntervalLevel);
    }

    [Fact]
    public void TooSmallACalibrationSetSaysHowManyWindowsItNeeds()
    {
        var ml = new MLContext(seed: 1);
        // 40 rows → 31 labelled windows; 0.25 of them = 8 calibration windows; level 0.95 needs 19.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Pipeline(ml, null, 0.95f).Fit(Series(ml, 40)));
        Assert.Equal("CalibrationFraction", e.ParamName);
        Assert.Contains("ConformalLevel 0.95 needs at least 19 calibration windows", e.Message);
        Assert.Contains("gives 8", e.Message);
        Assert.Contains("give at least 76 windows", e.Message);
    }
}
