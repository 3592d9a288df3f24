using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>
/// A window without spread is forecast at its level, whatever the network outputs (it cannot read a scale from a flat
/// window; MinMax and ZScore report scale 0 and the inverse is p · 0 + shift): in the fitted chain (the C# kernel),
/// <c>LoadModel</c>, the stock <c>Model.Load</c> (the saved graphs) and the <c>ExportOnnx</c> graph. And ZScore on a
/// series at 1e-25 (whose squared deviations underflow in float32) forecasts near 1e-25.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class ZeroSpreadWindowTests
{
    private const int T = 6;

    private sealed class Step
    {
        public float Y { get; set; }
    }

    private sealed class WindowRow
    {
        [VectorType(T)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    private static IDataView Series(MLContext ml, IEnumerable<float> values) =>
        ml.Data.LoadFromEnumerable(values.Select(v => new Step { Y = v }).ToArray());

    private static IEnumerable<float> Sine(float level, float amplitude) =>
        Enumerable.Range(0, 120).Select(i => level + amplitude * MathF.Sin(2 * MathF.PI * i / 12) + amplitude * 0.05f * MathF.Cos(i * 1.7f));

    private static TransformerChain<LstmForecastingTransformer> Fit(MLContext ml, IDataView series, WindowNormalization mode) =>
        ml.Transforms.SlidingWindow("Window", new[] { "Y" }, T)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: mode))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                FeatureColumnName = "Window",
                HiddenSizes = new[] { 8 },
                Epochs = 3,
                Dropout = 0,
                Seed = 1,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }))
            .Fit(series);

    /// <summary>The first window's Score in every scoring form of <paramref name="model"/>.</summary>
    private static Dictionary<string, float> Scores(MLContext ml, ITransformer model, IDataView fitted, float[] values)
    {
        var data = Series(ml, values);
        float First(ITransformer scorer) => ml.Data.CreateEnumerable<TinyChain.ScoreOutput>(scorer.Transform(data), reuseRowObject: false).First().Score[0];
        string dir = Directory.CreateTempSubdirectory("zero-spread-").FullName;
        try
        {
            string zip = Path.Combine(dir, "model.zip");
            ml.Model.Save(model, fitted.Schema, zip);
            using var stream = new MemoryStream();
            ml.Forecasting.ExportOnnx(model, stream);
            using var session = new InferenceSession(stream.ToArray());
            var window = NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(values.Take(T).ToArray(), new[] { 1, T }));
            using var results = session.Run(new[] { window });
            return new Dictionary<string, float>
            {
                ["fitted chain"] = First(model),
                ["LoadModel"] = First(ml.Forecasting.LoadModel(zip)),
                // The stock-loaded zip reads the window column (its SlidingWindow step is a reshape of that column).
                ["Model.Load"] = ml.Data.CreateEnumerable<TinyChain.ScoreOutput>(ml.Model.Load(zip, out _)
                    .Transform(ml.Data.LoadFromEnumerable(new[] { new WindowRow { Window = values.Take(T).ToArray() } })), reuseRowObject: false).First().Score[0],
                ["ExportOnnx"] = results.Single(r => r.Name == "Score").AsEnumerable<float>().First(),
            };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(WindowNormalization.MinMax)]
    [InlineData(WindowNormalization.ZScore)]
    public void AFlatWindowIsForecastAtItsLevelInEveryPath(WindowNormalization mode)
    {
        var ml = new MLContext(seed: 1);
        var series = Series(ml, Sine(0.001f, 0.0005f));
        var model = Fit(ml, series, mode);
        foreach (float level in new[] { 0.001f, 7f, 0f, -250.5f })
        {
            var scores = Scores(ml, model, series, Enumerable.Repeat(level, T + 1).ToArray());
            Assert.All(scores, s => Assert.True(s.Value == level, $"{mode}, flat window at {level}: {s.Key} forecasts {s.Value}"));
        }
        // A window with spread still gets the network's output (not the level).
        var varying = Sine(0.001f, 0.0005f).Take(T + 1).ToArray();
        var ordinary = Scores(ml, model, series, varying);
        Assert.All(ordinary, s => Assert.True(s.Value != varying[0] && float.IsFinite(s.Value), $"{s.Key}: {s.Value}"));
    }

    [Fact]
    public void ZScoreOnASeriesAt1e25ForecastsNear1e25()
    {
        var ml = new MLContext(seed: 1);
        var series = Series(ml, Sine(1e-25f, 0.1e-25f));
        var model = Fit(ml, series, WindowNormalization.ZScore);
        var values = Sine(1e-25f, 0.1e-25f).Skip(60).Take(T + 1).ToArray();
        var scores = Scores(ml, model, series, values);
        // Sanity bounds only: the series lies in [0.85e-25, 1.15e-25]; before, the deviation underflowed to 0, the scale
        // fell back to 1 and the forecast was the network's output in absolute units (about 1e-8).
        Assert.All(scores, s => Assert.True(s.Value > 0.5e-25f && s.Value < 2e-25f, $"{s.Key} forecasts {s.Value}"));
    }
}
