using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Onnx;
using Xunit.Abstractions;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Onnx;

/// <summary><c>mlContext.Forecasting.ExportOnnx</c>: one graph for the whole chain, scored by plain ONNX Runtime.</summary>
public class ForecastingChainExportTests
{
    private const int T = 12;
    private readonly ITestOutputHelper _log;

    public ForecastingChainExportTests(ITestOutputHelper log) => _log = log;

    private static EstimatorChain<LstmForecastingTransformer> Pipeline(MLContext ml, string window, string[] columns,
        int horizon, WindowNormalization? mode) =>
        ml.Transforms.SlidingWindow(window, columns, windowSize: T, horizon: horizon)
            .Append(mode is null
                ? (IEstimator<ITransformer>)new EstimatorChain<ITransformer>()
                : ml.Transforms.NormalizeWindows(window, mode: mode.Value))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                FeatureColumnName = window,
                HiddenSizes = new[] { 6, 4 },
                Dropout = 0f,
                Epochs = 1,
                BatchSize = 64,
                Seed = 5,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));

    private static float[][] ScoreWithOnnxRuntime(byte[] onnx, string input, List<float[]> windows)
    {
        using var session = new InferenceSession(onnx);
        var flat = windows.SelectMany(w => w).ToArray();
        var tensor = new DenseTensor<float>(flat, new[] { windows.Count, windows[0].Length });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(input, tensor) });
        var score = results.Single(r => r.Name == "Score").AsTensor<float>();
        int h = score.Dimensions.Length == 1 ? 1 : score.Dimensions[1];
        var values = score.ToArray();
        return Enumerable.Range(0, windows.Count).Select(i => values.AsSpan(i * h, h).ToArray()).ToArray();
    }

    [Theory]
    [InlineData(WindowNormalization.RelativeToFirst, 1, "Window")]
    [InlineData(WindowNormalization.MinMax, 3, "Window")]
    [InlineData(WindowNormalization.ZScore, 1, "Features")]
    [InlineData(null, 2, "Window")]
    public void TheExportedGraphScoresRawWindowsLikeTheFittedChain(WindowNormalization? mode, int horizon, string window)
    {
        var ml = new MLContext(seed: 1);
        var raw = LoadEuStock(ml);
        var columns = new[] { "SMI", "DAX", "CAC" };
        var model = Pipeline(ml, window, columns, horizon, mode).Fit(raw);
        using var lstm = model.LastTransformer;
        var expected = Vectors(model.Transform(raw), "Score");

        using var file = new MemoryStream();
        ml.Forecasting.ExportOnnx(model, file);
        var onnx = file.ToArray();
        OnnxIntegrity.Verify(onnx, "the exported chain");

        // Raw windows in the series' own units, built by SlidingWindow alone: no ML.NET in the scoring.
        var windows = Vectors(ml.Transforms.SlidingWindow(window, columns, T, horizon).Fit(raw).Transform(raw), window);
        Assert.Equal(expected.Count, windows.Count);
        var actual = ScoreWithOnnxRuntime(onnx, window, windows);
        // Bitwise where the C# and ONNX normalisations do the same float32 operations (as the saved-zip tests find);
        // ZScore's sums run in another order in ONNX Runtime.
        double tolerance = mode == WindowNormalization.ZScore ? 1e-5 : 0;
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            Close(expected[i], actual[i], tolerance);
            for (int k = 0; k < horizon; k++)
                worst = Math.Max(worst, Math.Abs(expected[i][k] - actual[i][k]) / Math.Max(1.0, Math.Abs(expected[i][k])));
        }
        _log.WriteLine($"{mode?.ToString() ?? "no normalisation"}, h = {horizon}: {expected.Count} windows, largest relative difference {worst:E2}");
        if (mode is not null)
            Assert.True(expected[0][0] > 1000, $"scores are de-normalised to label units (SMI is in the thousands): {expected[0][0]}");

        using var session = new InferenceSession(onnx);
        Assert.Equal(new[] { window }, session.InputMetadata.Keys);
        Assert.Equal(new[] { "Score" }, session.OutputMetadata.Keys);
        Assert.Equal(new[] { -1, T * columns.Length }, session.InputMetadata[window].Dimensions);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("ForecastingChain", meta["mlnet_lstm.format"]);
        Assert.Equal("1", meta["mlnet_lstm.version"]);
        Assert.Equal(window, meta["mlnet_lstm.window_column"]);
        Assert.Equal(T.ToString(), meta["mlnet_lstm.window_size"]);
        Assert.Equal("[\"SMI\",\"DAX\",\"CAC\"]", meta["mlnet_lstm.feature_columns"]);
        Assert.Equal("SMI", meta["mlnet_lstm.target_column"]);
        Assert.Equal(horizon.ToString(), meta["mlnet_lstm.horizon"]);
        Assert.Equal(mode?.ToString() ?? "None", meta["mlnet_lstm.normalization"]);
        Assert.Equal(mode is null ? "[\"SlidingWindow\",\"LstmForecaster\"]" : "[\"SlidingWindow\",\"NormalizeWindows\",\"LstmForecaster\"]",
            meta["mlnet_lstm.steps"]);
    }

    [Fact]
    public void ChainsWithoutAnLstmOrWithOtherStepsAreRefusedNamingTheStep()
    {
        var ml = new MLContext(seed: 1);
        var raw = LoadEuStock(ml);
        var windowsOnly = ml.Transforms.SlidingWindow("Window", new[] { "DAX" }, T)
            .Append(ml.Transforms.NormalizeWindows("Window")).Fit(raw);
        var noLstm = Assert.Throws<ArgumentException>(() => ml.Forecasting.ExportOnnx(windowsOnly, new MemoryStream()));
        Assert.Contains("no LstmForecastingTransformer", noLstm.Message);
        Assert.Contains("SlidingWindowTransformer → NormalizeWindowsTransformer", noLstm.Message);

        var model = Pipeline(ml, "Window", new[] { "DAX" }, 1, WindowNormalization.MinMax).Fit(raw);
        using var lstm = model.LastTransformer;
        var withCopy = new TransformerChain<ITransformer>(
            model.Take(2).Append(ml.Transforms.CopyColumns("Copy", "DAX").Fit(raw)).Append(lstm).ToArray());
        var other = Assert.Throws<ArgumentException>(() => ml.Forecasting.ExportOnnx(withCopy, new MemoryStream()));
        Assert.Contains("step 2 (ColumnCopyingTransformer)", other.Message);
        Assert.Contains("mlContext.Forecasting.LoadModel", other.Message);

        var path = Path.Combine(Path.GetTempPath(), $"export-stock-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, raw.Schema, path);
            var stock = new MLContext().Model.Load(path, out _);
            var e = Assert.Throws<ArgumentException>(() => ml.Forecasting.ExportOnnx(stock, new MemoryStream()));
            Assert.Contains("mlContext.Model.Load", e.Message);
            Assert.Contains("(OnnxTransformer)", e.Message);
            (stock as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
