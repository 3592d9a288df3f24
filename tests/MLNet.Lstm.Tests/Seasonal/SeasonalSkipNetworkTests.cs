using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Training;
using TorchSharp;

namespace MLNet.Lstm.Tests.Seasonal;

/// <summary>
/// The network's seasonal structure (<c>Options.SeasonalPeriod</c>): the torch forward and the ONNX graph agree for
/// both inputs, one and two layers, quantile heads and ensembles; with a zero head the model is the seasonal-naive
/// forecast in label units; a network without a period writes the graph it always wrote.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class SeasonalSkipNetworkTests
{
    private const int T = 10, F = 2, H = 3, M = 4, Target = 1, N = 25;

    public enum Head { Point, Quantiles, Ensemble, QuantileEnsemble, FutureGru }

    [Theory]
    [InlineData(SeasonalNetworkInput.Differences, 1, Head.Point)]
    [InlineData(SeasonalNetworkInput.Differences, 2, Head.Quantiles)]
    [InlineData(SeasonalNetworkInput.Differences, 2, Head.Ensemble)]
    [InlineData(SeasonalNetworkInput.LevelsAndDifferences, 1, Head.Quantiles)]
    [InlineData(SeasonalNetworkInput.LevelsAndDifferences, 2, Head.Point)]
    [InlineData(SeasonalNetworkInput.LevelsAndDifferences, 1, Head.QuantileEnsemble)]
    [InlineData(SeasonalNetworkInput.LevelsAndDifferences, 2, Head.FutureGru)]
    [InlineData(SeasonalNetworkInput.Differences, 1, Head.FutureGru)]
    [InlineData(SeasonalNetworkInput.StandardizedDifferences, 1, Head.Point)]
    [InlineData(SeasonalNetworkInput.StandardizedDifferences, 2, Head.Point)]
    [InlineData(SeasonalNetworkInput.StandardizedDifferences, 1, Head.Quantiles)]
    [InlineData(SeasonalNetworkInput.StandardizedDifferences, 2, Head.Ensemble)]
    [InlineData(SeasonalNetworkInput.StandardizedDifferences, 2, Head.QuantileEnsemble)]
    [InlineData(SeasonalNetworkInput.StandardizedDifferences, 1, Head.FutureGru)]
    public void OnnxGraphEqualsTheTorchForward(SeasonalNetworkInput input, int layers, Head head)
    {
        const int C = 2;
        var cell = head == Head.FutureGru ? RecurrentCell.Gru : RecurrentCell.Lstm;
        int futureSize = head == Head.FutureGru ? H * C : 0;
        var seasonality = new LstmSeasonality(M, input);
        var levels = head is Head.Quantiles or Head.QuantileEnsemble ? LstmIntervalHead.LevelsOf(new[] { 0.2f, 0.8f }) : null;
        int members = head is Head.Ensemble or Head.QuantileEnsemble ? 2 : 1;
        var hidden = layers == 1 ? new[] { 5 } : new[] { 6, 4 };
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(31);
        var nets = Enumerable.Range(0, members).Select(_ => new LstmNetwork(F, hidden, 0f, H, cell, futureSize, levels, seasonality, Target)).ToArray();
        var weights = LstmNetworkWeights.Ensemble(nets.Select(n => n.GetWeights(T)).ToArray());
        Assert.Equal(seasonality, weights.Seasonality);
        Assert.Equal(input == SeasonalNetworkInput.LevelsAndDifferences ? 2 * F : F, weights.Layers[0].InputSize);

        var rng = new Random(8);
        var x = Enumerable.Range(0, N * T * F).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var xt = torch.tensor(x).view(N, T, F);
        var fut = Enumerable.Range(0, N * futureSize).Select(_ => (float)rng.Next(2)).ToArray();
        var ft = futureSize > 0 ? torch.tensor(fut).view(N, futureSize) : null;
        var torchOut = nets.Select(n => n.ForwardForEvaluation(xt, ft).data<float>().ToArray()).ToArray();
        int q = levels?.Length ?? 1;
        var expected = Enumerable.Range(0, N * H * q).Select(i => torchOut.Average(o => o[i])).ToArray();

        var layout = futureSize > 0
            ? new LstmScoringLayout("Window", "Label", null, null, null, Target, FutureColumnName: "Future", FutureSize: futureSize)
            : new LstmScoringLayout("Window", "Label", null, null, null, Target);
        using var session = new InferenceSession(LstmOnnxExporter.Export(weights, layout));
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("4", metadata["mlnet_lstm.version"]);
        Assert.Equal("4", metadata["mlnet_lstm.seasonal_period"]);
        Assert.Equal(input.ToString(), metadata["mlnet_lstm.seasonal_input"]);
        var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(x, new[] { N, T * F })) };
        if (futureSize > 0)
            inputs.Add(NamedOnnxValue.CreateFromTensor("Future", new DenseTensor<float>(fut, new[] { N, futureSize })));
        using var results = session.Run(inputs);
        var onnx = results.Single(r => r.Name == (levels is null ? "Score" : "Quantiles")).AsTensor<float>().ToArray();
        Assert.Equal(expected.Length, onnx.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - onnx[i]) <= 1e-5f, $"value {i}: torch {expected[i]} vs ONNX {onnx[i]}");
        // The skip matters: without it the outputs would be far from these (the window values are of order 1).
        var naive = Enumerable.Range(0, N * H).Select(i => x[((i / H) * T + T - M + i % H) * F + Target]).ToArray();
        Assert.True(naive.Select((v, i) => Math.Abs(v - expected[i * q + q / 2])).Max() < 3, "outputs near the seasonal-naive values");
    }

    /// <summary>The network's outputs with zero head weights and bias: x[T − m + k, target] exactly.</summary>
    [Theory]
    [InlineData(SeasonalNetworkInput.Differences)]
    [InlineData(SeasonalNetworkInput.LevelsAndDifferences)]
    public void WithAZeroHeadTheTorchNetworkIsTheSeasonalNaiveForecast(SeasonalNetworkInput input)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using var net = new LstmNetwork(F, new[] { 4 }, 0f, H, seasonality: new LstmSeasonality(M, input), targetIndex: Target);
        net.SetWeights(ZeroHead(net.GetWeights(T)));
        var rng = new Random(3);
        var x = Enumerable.Range(0, N * T * F).Select(_ => (float)rng.NextDouble()).ToArray();
        var output = net.ForwardForEvaluation(torch.tensor(x).view(N, T, F)).data<float>().ToArray();
        for (int i = 0; i < N; i++)
            for (int k = 0; k < H; k++)
                Assert.Equal(x[(i * T + T - M + k) * F + Target], output[i * H + k]);
    }

    /// <summary>
    /// Standardised differences with a zero head: x[T − m + k, target] + μ_target (the window's mean seasonal change of
    /// the target), in torch and in the graph; a window whose differences are constant (σ = 0, taken as 1) gives that
    /// value too. (A quantile head's zero weights do not give zero quantiles, so this is a point head; the parity test
    /// covers quantiles.)
    /// </summary>
    [Fact]
    public void WithAZeroHeadStandardizedDifferencesAreTheSeasonalNaivePlusTheMeanChange()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        using var net = new LstmNetwork(F, new[] { 4 }, 0f, H, seasonality: new LstmSeasonality(M, SeasonalNetworkInput.StandardizedDifferences), targetIndex: Target);
        var weights = ZeroHead(net.GetWeights(T));
        net.SetWeights(weights);
        var rng = new Random(3);
        var x = Enumerable.Range(0, N * T * F).Select(_ => (float)rng.NextDouble()).ToArray();
        for (int t = 0; t < T; t++) // window 0: x[t] = t / 4 in both columns, so every seasonal difference is 1 (σ = 0)
            for (int f = 0; f < F; f++)
                x[t * F + f] = t / 4f;
        var output = net.ForwardForEvaluation(torch.tensor(x).view(N, T, F)).data<float>().ToArray();
        using var session = new InferenceSession(LstmOnnxExporter.Export(weights, new LstmScoringLayout("Window", "Label", null, null, null, Target)));
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(x, new[] { N, T * F })) });
        var onnx = results.Single(r => r.Name == "Score").AsTensor<float>().ToArray();
        Assert.Equal(N * H, onnx.Length);
        for (int i = 0; i < N; i++)
        {
            double drift = Enumerable.Range(M, T - M).Average(t => (double)x[(i * T + t) * F + Target] - x[(i * T + t - M) * F + Target]);
            for (int k = 0; k < H; k++)
            {
                double expected = x[(i * T + T - M + k) * F + Target] + drift;
                Assert.True(Math.Abs(expected - output[i * H + k]) <= 1e-6, $"window {i} step {k}: torch {output[i * H + k]} vs {expected}");
                Assert.True(Math.Abs(expected - onnx[i * H + k]) <= 1e-6, $"window {i} step {k}: ONNX {onnx[i * H + k]} vs {expected}");
            }
        }
        Assert.Equal(1.5f + 1f, output[0], 6); // window 0, step 0: x[T − m] = 6/4, plus the constant change 1
    }

    /// <summary>
    /// The whole chain SlidingWindow → NormalizeWindows(ZScore) → the exported seasonal network with a zero head,
    /// scored by ML.NET: Score[k] is the series value one period before step k, y[t + k − m], in the target's units
    /// (with standardised differences plus the window's mean seasonal change of y).
    /// </summary>
    [Theory]
    [InlineData(SeasonalNetworkInput.Differences)]
    [InlineData(SeasonalNetworkInput.StandardizedDifferences)]
    public void WithAZeroHeadTheScoredChainIsTheSeasonalNaiveForecastInLabelUnits(SeasonalNetworkInput input)
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 40).Select(i => new Row { A = 50 + i % 7, Y = (float)(100 + 10 * Math.Sin(i * 0.9) + i) }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var windows = ml.Transforms.SlidingWindow("Window", new[] { "A", "Y" }, T, horizon: H, targetColumnName: "Y")
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore)).Fit(data).Transform(data);
        using var scope = torch.NewDisposeScope();
        using var net = new LstmNetwork(F, new[] { 4 }, 0f, H, seasonality: new LstmSeasonality(M, input), targetIndex: Target);
        var weights = ZeroHead(net.GetWeights(T));
        var layout = new LstmScoringLayout("Window", "Label", nameof(WindowNormalization.ZScore), "WindowShift", "WindowScale", Target);
        using var model = new LstmForecastingTransformer(LstmOnnxExporter.Export(weights, layout), weights, layout,
            Array.Empty<LstmEpochResult>(), 0, new LstmTrainingSettings(), windows);
        var scores = Onnx.SavedModelTestUtil.Scores(model.Transform(windows));
        Assert.Equal(40 - T - H + 1, scores.Length);
        for (int i = 0; i < scores.Length; i++)
        {
            for (int k = 0; k < H; k++)
            {
                float expected = rows[i + T - M + k].Y; // window i covers rows i .. i + T − 1; step k is row i + T + k
                if (input == SeasonalNetworkInput.StandardizedDifferences)
                    expected += (float)Enumerable.Range(i + M, T - M).Average(r => (double)rows[r].Y - rows[r - M].Y);
                Assert.True(Math.Abs(expected - scores[i][k]) <= 1e-4f * Math.Abs(expected), $"window {i} step {k}: {scores[i][k]} vs seasonal naive {expected}");
            }
        }
        Assert.Equal(M, model.Summary.SeasonalPeriod);
        Assert.Contains($"seasonal period 4 ({input})", model.Summary.ToString());
    }

    [Fact]
    public void WeightsRefuseAPeriodTheWindowCannotHoldButAcceptAHorizonLongerThanThePeriod()
    {
        var net = Trainer.LstmTestUtil.RandomWeights(1, T, F, H, 3);
        var tooShort = Assert.Throws<ArgumentOutOfRangeException>(() => new LstmNetworkWeights(T, F, H, net.Layers, net.HeadWeight, net.HeadBias,
            seasonality: new LstmSeasonality(9, SeasonalNetworkInput.Differences)));
        Assert.Contains("SeasonalPeriod 9 needs a window of at least 11 steps", tooShort.Message);
        var longHorizon = new LstmNetworkWeights(T, F, H, net.Layers, net.HeadWeight, net.HeadBias, seasonality: new LstmSeasonality(2, SeasonalNetworkInput.Differences));
        Assert.Equal(2, longHorizon.Seasonality.Period);
    }

    private static LstmNetworkWeights ZeroHead(LstmNetworkWeights w) =>
        new(w.WindowSize, w.FeatureCount, w.Horizon, w.Layers, new float[w.HeadWeight.Length], new float[w.HeadBias.Length], w.Cell, w.FutureSize, w.Interval, w.Seasonality);

    private sealed class Row
    {
        public float A { get; set; }
        public float Y { get; set; }
    }
}
