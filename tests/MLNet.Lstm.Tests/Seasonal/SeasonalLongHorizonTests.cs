using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Training;
using TorchSharp;

namespace MLNet.Lstm.Tests.Seasonal;

/// <summary>
/// A seasonal network with a horizon longer than its period (h = 18, m = 12): the skip of step k is
/// x[T − m + (k mod m)], the last observed value of the step's season; torch and ONNX agree; a zero head is the
/// seasonal naive forecast; a fit of horizon 18 with period 12 trains.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class SeasonalLongHorizonTests
{
    private const int T = 24, F = 2, H = 18, M = 12, Target = 1, N = 9;

    [Fact]
    public void TheNaiveStepsRepeatTheLastSeasonBeyondThePeriod()
    {
        var steps = new LstmSeasonality(M, SeasonalNetworkInput.Differences).NaiveSteps(T, H);
        // k = 0 .. 11 → 12 .. 23; k = 12 .. 17 → 12 .. 17 again.
        Assert.Equal(Enumerable.Range(12, 12).Concat(Enumerable.Range(12, 6)).Select(i => (long)i), steps);
        Assert.Equal(new long[] { 8, 9, 10, 8, 9, 10, 8 }, new LstmSeasonality(3, SeasonalNetworkInput.Differences).NaiveSteps(11, 7));
    }

    [Theory]
    [InlineData(SeasonalNetworkInput.Differences, false)]
    [InlineData(SeasonalNetworkInput.StandardizedDifferences, false)]
    [InlineData(SeasonalNetworkInput.LevelsAndDifferences, true)]
    public void OnnxGraphEqualsTheTorchForward(SeasonalNetworkInput input, bool quantiles)
    {
        var levels = quantiles ? LstmIntervalHead.LevelsOf(new[] { 0.2f, 0.8f }) : null;
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        using var net = new LstmNetwork(F, new[] { 8 }, 0f, H, quantileLevels: levels, seasonality: new LstmSeasonality(M, input), targetIndex: Target);
        var weights = net.GetWeights(T);
        var x = RandomWindows(7);
        var expected = net.ForwardForEvaluation(torch.tensor(x).view(N, T, F)).data<float>().ToArray();
        var onnx = ScoreOnnx(weights, x, quantiles ? "Quantiles" : "Score");
        Assert.Equal(N * H * (levels?.Length ?? 1), onnx.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - onnx[i]) <= 1e-5f, $"value {i}: torch {expected[i]} vs ONNX {onnx[i]}");
    }

    [Fact]
    public void WithAZeroHeadTorchAndOnnxAreTheSeasonalNaiveForecast()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using var net = new LstmNetwork(F, new[] { 8 }, 0f, H, seasonality: new LstmSeasonality(M, SeasonalNetworkInput.Differences), targetIndex: Target);
        var weights = new LstmNetworkWeights(T, F, H, net.GetWeights(T).Layers, new float[H * 8], new float[H], seasonality: net.Seasonality);
        net.SetWeights(weights);
        var x = RandomWindows(3);
        var torchOut = net.ForwardForEvaluation(torch.tensor(x).view(N, T, F)).data<float>().ToArray();
        var onnx = ScoreOnnx(weights, x, "Score");
        for (int i = 0; i < N; i++)
        {
            for (int k = 0; k < H; k++)
            {
                int season = k < M ? T - M + k : T - M + k - M; // hand-written: steps 12..17 reuse the season's last value
                float expected = x[(i * T + season) * F + Target];
                Assert.Equal(expected, torchOut[i * H + k]);
                Assert.Equal(expected, onnx[i * H + k]);
            }
        }
    }

    [Fact]
    public void AMonthlyFitForecasts18StepsDirectly()
    {
        var ml = new MLContext(1);
        var values = Enumerable.Range(0, 96).Select(i => (float)(200 + i + 30 * Math.Sin(2 * Math.PI * i / 12))).ToArray();
        var data = ml.Data.LoadFromEnumerable(values.Select(v => new ValueRow { Value = v }));
        var chain = ml.Transforms.SlidingWindow("Window", new[] { "Value" }, 36, horizon: H)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 8 }, Epochs = 1, Seed = 1, SeasonalPeriod = M,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        using var model = chain.Fit(data);
        var lstm = (LstmForecastingTransformer)model.Last();
        Assert.Equal(M, lstm.Settings.SeasonalPeriod);
        var scores = MLNet.Lstm.Tests.Onnx.SavedModelTestUtil.Scores(model.Transform(data));
        Assert.Equal(96 - 36 - H + 1, scores.Length);
        Assert.All(scores, s => Assert.Equal(H, s.Length));
        Assert.All(scores, s => Assert.All(s, v => Assert.True(float.IsFinite(v))));
        var path = Path.Combine(Path.GetTempPath(), $"seasonal-h18-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext().Forecasting.LoadModel(path);
            Assert.Equal(M, ((IEnumerable<ITransformer>)loaded).OfType<LstmForecastingTransformer>().Single().Settings.SeasonalPeriod);
            var reloaded = MLNet.Lstm.Tests.Onnx.SavedModelTestUtil.Scores(loaded.Transform(data));
            Assert.Equal(scores.Length, reloaded.Length);
            for (int i = 0; i < scores.Length; i++)
                Assert.Equal(scores[i], reloaded[i]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static float[] RandomWindows(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, N * T * F).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
    }

    private static float[] ScoreOnnx(LstmNetworkWeights weights, float[] x, string output)
    {
        using var session = new InferenceSession(LstmOnnxExporter.Export(weights, new LstmScoringLayout("Window", "Label", null, null, null, Target)));
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(x, new[] { N, T * F })) });
        return results.Single(r => r.Name == output).AsTensor<float>().ToArray();
    }

    private sealed class ValueRow
    {
        public float Value { get; set; }
    }
}
