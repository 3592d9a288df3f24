using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Tests.Trainer;
using static MLNet.Lstm.Tests.Onnx.SavedModelTestUtil;

namespace MLNet.Lstm.Tests.Seasonal;

/// <summary>
/// <c>LstmForecastingTrainer.Options.SeasonalPeriod</c> and <c>SeasonalInput</c> through the trainer: the checks at
/// construction and Fit, automatic detection, the period reported by the fitted and the loaded model, saving and
/// loading, and checkpoint resume.
/// </summary>
public class SeasonalPeriodTrainerTests
{
    private const int Window = 12;

    private static LstmForecastingTrainer.Options Options(int period, SeasonalNetworkInput? input = null, int epochs = 3) => new()
    {
        HiddenSizes = new[] { 6 },
        Dropout = 0f,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.01f,
        SeasonalPeriod = period,
        SeasonalInput = input,
        Seed = 4,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
    };

    /// <summary>A period-6 series with trend and noise (one column X).</summary>
    private static IDataView Seasonal(MLContext ml, int rows = 120)
    {
        var rng = new Random(3);
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows)
            .Select(i => new Row { X = (float)(100 + 0.2 * i + 8 * Math.Sin(2 * Math.PI * i / 6) + rng.NextDouble()) }).ToArray());
    }

    private static IDataView RandomWalk(MLContext ml, int rows = 120)
    {
        var rng = new Random(4);
        float v = 100;
        return ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(_ => new Row { X = v += (float)(rng.NextDouble() * 2 - 1) }).ToArray());
    }

    private static IEstimator<ITransformer> Chain(MLContext ml, LstmForecastingTrainer.Options o, int horizon = 1) =>
        ml.Transforms.SlidingWindow("Window", new[] { "X" }, Window, horizon)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore))
            .Append(ml.Forecasting.Lstm(o));

    private static LstmForecastingTransformer Lstm(ITransformer chain) => (LstmForecastingTransformer)((IEnumerable<ITransformer>)chain).Last();

    private static Dictionary<string, string> Metadata(LstmForecastingTransformer model) =>
        global::Onnx.ModelProto.Parser.ParseFrom(model.GetOnnxModel()).MetadataProps.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void OptionsAndFitRefuseWhatCannotWork()
    {
        var input = Assert.Throws<ArgumentOutOfRangeException>(() => new LstmForecastingTrainer(Options(0, SeasonalNetworkInput.LevelsAndDifferences)));
        Assert.Contains("SeasonalInput is LevelsAndDifferences but SeasonalPeriod is 0", input.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => new LstmForecastingTrainer(Options(-2)));
        Assert.Contains("SeasonalPeriod must be 0 (off), a period of 1 or more, or AutoSeasonalPeriod (-1", negative.Message);

        var ml = new MLContext(1);
        var data = Seasonal(ml);
        var window = Assert.Throws<ArgumentOutOfRangeException>(() => Chain(ml, Options(11)).Fit(data));
        Assert.Contains("SeasonalPeriod 11 needs a window of at least 13 steps", window.Message);
        Assert.Contains("the window has 12", window.Message);
    }

    [Fact]
    public void AutoFindsThePeriodOfASeasonalSeriesAndLeavesARandomWalkPlain()
    {
        var ml = new MLContext(1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source == nameof(LstmForecastingTrainer)) lock (messages) messages.Add(e.Message); };
        var auto = Options(LstmForecastingTrainer.Options.AutoSeasonalPeriod);
        auto.Context = ml;
        using var seasonal = (IDisposable)Chain(ml, auto).Fit(Seasonal(ml));
        var model = Lstm((ITransformer)seasonal);
        Assert.Equal(6, model.Settings.SeasonalPeriod);
        Assert.Equal(SeasonalNetworkInput.Differences, model.Settings.SeasonalInput);
        Assert.Equal(6, model.Summary.SeasonalPeriod);
        Assert.Equal("6", Metadata(model)["mlnet_lstm.seasonal_period"]);
        Assert.Equal(Window - 6, model.Weights.Seasonality.LayerSteps(Window));
        lock (messages)
            Assert.Contains(messages, m => m.Contains("SeasonalPeriod auto: period 6"));

        auto = Options(LstmForecastingTrainer.Options.AutoSeasonalPeriod, SeasonalNetworkInput.LevelsAndDifferences);
        using var walk = (IDisposable)Chain(ml, auto).Fit(RandomWalk(ml));
        var plain = Lstm((ITransformer)walk);
        Assert.Equal(0, plain.Settings.SeasonalPeriod);
        Assert.Equal(0, plain.Summary.SeasonalPeriod);
        Assert.False(Metadata(plain).ContainsKey("mlnet_lstm.seasonal_period"));
        Assert.Equal("2", Metadata(plain)["mlnet_lstm.version"]); // the plain graph, as without the option
        using var off = (IDisposable)Chain(ml, Options(0)).Fit(RandomWalk(ml));
        Assert.Equal(Lstm((ITransformer)off).GetOnnxModel(), plain.GetOnnxModel());
    }

    [Theory]
    [InlineData(SeasonalNetworkInput.Differences)]
    [InlineData(SeasonalNetworkInput.LevelsAndDifferences)]
    [InlineData(SeasonalNetworkInput.StandardizedDifferences)]
    public void SavedAndLoadedModelsScoreAsTheFittedOneAndReportItsPeriod(SeasonalNetworkInput input)
    {
        var ml = new MLContext(1);
        var series = Seasonal(ml, 80);
        var model = Chain(ml, Options(4, input), horizon: 2).Fit(series);
        var path = TempZip("seasonal-skip");
        try
        {
            ml.Model.Save(model, series.Schema, path);
            var expected = Scores(model.Transform(series));
            Assert.All(expected, s => Assert.All(s, v => Assert.InRange(v, 80f, 140f)));
            var windows = ml.Transforms.SlidingWindow("Window", new[] { "X" }, Window, horizon: 2).Fit(series).Transform(series);
            var stock = new MLContext().Model.Load(path, out _);
            var stockScores = Scores(stock.Transform(windows));
            Assert.Equal(expected.Length, stockScores.Length);
            for (int i = 0; i < expected.Length; i++)
                for (int k = 0; k < 2; k++)
                    Assert.Equal(expected[i][k], stockScores[i][k], 2e-3f); // z-score sums in float32 in ONNX Runtime (docs/windows.md)
            var ours = new MLContext().Forecasting.LoadModel(path);
            AssertBitwise(expected, Scores(ours.Transform(series)));
            var loaded = Lstm(ours);
            Assert.Equal(4, loaded.Settings.SeasonalPeriod);
            Assert.Equal(input, loaded.Settings.SeasonalInput);
            Assert.Equal(4, loaded.Summary.SeasonalPeriod);
            Assert.Equal(input, loaded.Weights.Seasonality.Input);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(SeasonalNetworkInput.LevelsAndDifferences, "-S6L")]
    [InlineData(SeasonalNetworkInput.StandardizedDifferences, "-S6Z")]
    public void ResumedSeasonalFitEqualsTheStraightFitAndAnotherPeriodIsRefused(SeasonalNetworkInput input, string hashSuffix)
    {
        var ml = new MLContext(1);
        var data = Seasonal(ml, 100);
        var dir = Path.Combine(Path.GetTempPath(), $"lstm-seasonal-resume-{Guid.NewGuid():N}");
        try
        {
            using var straight = (IDisposable)Chain(ml, Options(6, input, epochs: 4)).Fit(data);
            var first = Options(6, input, epochs: 2);
            first.CheckpointDirectory = dir;
            using var _ = (IDisposable)Chain(ml, first).Fit(data);
            var second = Options(6, input, epochs: 4);
            second.ResumeFromCheckpoint = dir;
            using var resumed = (IDisposable)Chain(ml, second).Fit(data);
            Assert.Equal(new[] { 3, 4 }, Lstm((ITransformer)resumed).History.Select(h => h.Epoch));
            Assert.Equal(Lstm((ITransformer)straight).GetOnnxModel(), Lstm((ITransformer)resumed).GetOnnxModel());

            var other = Options(6, SeasonalNetworkInput.Differences, epochs: 4);
            other.ResumeFromCheckpoint = dir;
            var ex = Assert.Throws<InvalidOperationException>(() => Chain(ml, other).Fit(data));
            Assert.Contains(hashSuffix, ex.Message);
            Assert.Contains("SeasonalPeriod / SeasonalInput", ex.Message);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void WarmStartNeedsTheSamePeriodAndAutoTakesTheInitialModels()
    {
        var ml = new MLContext(1);
        var data = Seasonal(ml, 100);
        using var first = (IDisposable)Chain(ml, Options(6)).Fit(data);
        var warm = Options(LstmForecastingTrainer.Options.AutoSeasonalPeriod, epochs: 1);
        warm.InitialModel = Lstm((ITransformer)first);
        using var continued = (IDisposable)Chain(ml, warm).Fit(RandomWalk(ml)); // auto would find nothing here
        Assert.Equal(6, Lstm((ITransformer)continued).Settings.SeasonalPeriod);
        var mismatch = Options(4, epochs: 1);
        mismatch.InitialModel = Lstm((ITransformer)first);
        var ex = Assert.Throws<InvalidOperationException>(() => Chain(ml, mismatch).Fit(data));
        Assert.Contains("seasonal m=6 Differences", ex.Message);
        Assert.Contains("seasonal m=4 Differences", ex.Message);
    }

    private sealed class Row
    {
        public float X { get; set; }
    }
}
