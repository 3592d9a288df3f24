using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Training;
using TorchSharp;

namespace MLNet.Lstm.Tests.Intervals;

/// <summary>Issue 9: the quantile head's maths (pinball loss, non-crossing transform), its ONNX parity, the conformal quantile and the option checks.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public class QuantileHeadTests
{
    [Fact]
    public void PinballLossMatchesAHandComputation()
    {
        // 2 windows, h = 2, levels [0.1, 0.5, 0.9]; prediction quantile-minor.
        float[] levels = { 0.1f, 0.5f, 0.9f };
        float[] prediction = { 1, 2, 3, 0, 1, 2, /* window 2 */ -1, 0, 1, 5, 6, 7 };
        float[] target = { 2.5f, 4, 0, 5.5f };
        double expected = 0;
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < 2; k++)
                for (int j = 0; j < 3; j++)
                {
                    double d = target[i * 2 + k] - prediction[(i * 2 + k) * 3 + j];
                    expected += Math.Max(levels[j] * d, (levels[j] - 1) * d);
                }
        expected /= 2; // sum over steps and quantiles, mean over windows
        using var scope = torch.NewDisposeScope();
        var loss = QuantileHead.PinballLoss(torch.tensor(prediction).view(2, 6), torch.tensor(target).view(2, 2), levels);
        Assert.Equal(expected, loss.item<float>(), 5);
        // By hand: (0.15 + 0.25 + 0.05) + (0.4 + 1.5 + 1.8) + (0.1 + 0 + 0.1) + (0.05 + 0.25 + 0.15) = 4.8, over 2 windows.
        Assert.Equal(2.4, expected, 6);
    }

    [Fact]
    public void NonCrossingTransformOrdersTheQuantilesAndKeepsTheRawMedian()
    {
        var interval = new LstmIntervalHead(new[] { 0.05f, 0.25f, 0.5f, 0.75f, 0.95f }, null, null);
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var raw = torch.randn(64, 3 * 5) * 4;
        var q = QuantileHead.NonCrossing(raw, interval, 3).view(64, 3, 5);
        var values = q.data<float>().ToArray();
        var rawValues = raw.view(64, 3, 5).data<float>().ToArray();
        for (int r = 0; r < 64 * 3; r++)
        {
            for (int j = 1; j < 5; j++)
                Assert.True(values[r * 5 + j] > values[r * 5 + j - 1], $"row {r}: quantile {j} {values[r * 5 + j]} <= {values[r * 5 + j - 1]}");
            Assert.Equal(rawValues[r * 5 + 2], values[r * 5 + 2]);
            // Q[j] − Q[j−1] is softplus of the raw value of the level further from the median.
            double step = values[r * 5 + 4] - values[r * 5 + 3];
            Assert.Equal(Math.Log(1 + Math.Exp(rawValues[r * 5 + 4])), step, 4);
        }
    }

    [Fact]
    public void OnnxQuantileHeadEqualsTorch()
    {
        const int T = 5, F = 2, H = 3;
        var levels = LstmIntervalHead.LevelsOf(new[] { 0.1f, 0.9f })!;
        Assert.Equal(new[] { 0.1f, 0.5f, 0.9f }, levels);
        float[] widths = { 0.05f, -0.02f, 0.3f };
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        using var network = new LstmNetwork(F, new[] { 6, 4 }, 0f, H, quantileLevels: levels);
        var interval = network.Interval with { ConformalLevel = 0.9f, ConformalWidths = widths };
        var weights = network.GetWeights(T).With(interval);
        var layout = new LstmScoringLayout("Window", "Label", null, null, null, 0);
        var rng = new Random(4);
        var x = Enumerable.Range(0, 40 * T * F).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var expected = network.ForwardForEvaluation(torch.tensor(x).view(40, T, F)).data<float>().ToArray();

        using var session = new InferenceSession(LstmOnnxExporter.Export(weights, layout));
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(x, new[] { 40, T * F })) });
        float[] Out(string name) => results.Single(r => r.Name == name).AsTensor<float>().ToArray();
        var (quantiles, score, lower, upper) = (Out("Quantiles"), Out("Score"), Out("LowerBound"), Out("UpperBound"));
        Assert.Equal(new[] { 40, H, 3 }, results.Single(r => r.Name == "Quantiles").AsTensor<float>().Dimensions.ToArray());
        for (int i = 0; i < 40 * H; i++)
        {
            for (int j = 0; j < 3; j++)
                Assert.True(Math.Abs(expected[i * 3 + j] - quantiles[i * 3 + j]) <= 1e-5, $"value {i},{j}: torch {expected[i * 3 + j]} vs ONNX {quantiles[i * 3 + j]}");
            float w = widths[i % H];
            Assert.Equal(quantiles[i * 3 + 1], score[i]);
            Assert.Equal(Math.Min(quantiles[i * 3] - w, score[i]), lower[i], 6);
            Assert.Equal(Math.Max(quantiles[i * 3 + 2] + w, score[i]), upper[i], 6);
            Assert.True(lower[i] <= score[i] && score[i] <= upper[i]);
        }
    }

    [Fact]
    public void ConformalQuantileMatchesAHandComputation()
    {
        float[] scores = { 0.5f, 0.1f, 0.9f, 0.3f, 0.7f, 0.2f, 0.8f, 0.4f, 0.6f, 1.0f };
        // n = 10: level 0.8 → rank ⌈11 · 0.8⌉ = 9 → 0.9; level 0.9 → rank ⌈9.9⌉ = 10 → 1.0; level 0.5 → ⌈5.5⌉ = 6 → 0.6.
        Assert.Equal(0.9f, ConformalQuantile.Of(scores, 0.8));
        Assert.Equal(1.0f, ConformalQuantile.Of(scores, 0.9));
        Assert.Equal(0.6f, ConformalQuantile.Of(scores, 0.5));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ConformalQuantile.Of(scores, 0.95)); // rank 11 > 10
        Assert.Contains("needs at least 19", e.Message);
        Assert.Equal(9, ConformalQuantile.WindowsNeeded(0.9));
        Assert.Equal(19, ConformalQuantile.WindowsNeeded(0.95));

        // Widths per step: point model |y − ŷ|; CQR max(lo − y, y − hi). 4 windows, h = 2.
        float[] labels = { 1, 10, 2, 20, 3, 30, 4, 40 };
        float[] point = { 1.5f, 9, 2, 23, 1, 30, 4.25f, 41 };
        Assert.Equal(new[] { 2f, 3f }, ConformalQuantile.Widths(point, labels, 4, 2, 1, 0.75)); // rank ⌈5 · 0.75⌉ = 4: the largest
        float[] band = { 0, 2, 9, 12, /**/ 1, 3, 21, 22, /**/ 2, 5, 25, 35, /**/ 3, 3.5f, 38, 39 };
        // step 0 scores: max(0−1, 1−2) = −1, max(1−2, 2−3) = −1, max(2−3, 3−5) = −1, max(3−4, 4−3.5) = 0.5 → rank 3 of 4 at 0.6 (⌈5·0.6⌉ = 3): −1
        // step 1 scores: max(9−10, 10−12) = −1, max(21−20, 20−22) = 1, max(25−30, 30−35) = −5, max(38−40, 40−39) = 1 → sorted −5, −1, 1, 1: rank 3 → 1
        Assert.Equal(new[] { -1f, 1f }, ConformalQuantile.Widths(band, labels, 4, 2, 2, 0.6));
    }

    [Theory]
    [InlineData(new[] { 0f, 0.5f }, "level 0 outside (0, 1)", "e.g. [0.05, 0.5, 0.95]")]
    [InlineData(new[] { 0.1f, 1.2f }, "level 1.2 outside (0, 1)", "e.g. [0.05, 0.5, 0.95]")]
    [InlineData(new[] { 0.5f, 0.5f }, "0.5 is followed by 0.5", "remove duplicates and sort")]
    [InlineData(new[] { 0.9f, 0.1f }, "0.9 is followed by 0.1", "remove duplicates and sort")]
    [InlineData(new[] { 0.5f }, "Quantiles [0.5] holds only the median, which gives no interval", "add a level below and one above 0.5, e.g. [0.05, 0.5, 0.95]")]
    public void BadQuantilesNameTheOptionTheValueAndTheFix(float[] quantiles, string what, string fix)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LstmForecastingTrainer(new LstmForecastingTrainer.Options { Quantiles = quantiles }));
        Assert.Equal("Quantiles", e.ParamName);
        Assert.Contains(what, e.Message);
        Assert.Contains(fix, e.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    public void BadConformalLevelNamesTheOptionAndTheValue(float level)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LstmForecastingTrainer(new LstmForecastingTrainer.Options { ConformalLevel = level }));
        Assert.Equal("ConformalLevel", e.ParamName);
        Assert.Contains($"ConformalLevel is {level.ToString(System.Globalization.CultureInfo.InvariantCulture)}", e.Message);
        Assert.Contains("e.g. 0.9", e.Message);
    }

    [Fact]
    public void QuantilesWithAnotherLossIsAnError()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LstmForecastingTrainer(
            new LstmForecastingTrainer.Options { Quantiles = new[] { 0.1f, 0.9f }, Loss = LstmLoss.Huber }));
        Assert.Equal("Loss", e.ParamName);
        Assert.Contains("pinball", e.Message);
    }
}
