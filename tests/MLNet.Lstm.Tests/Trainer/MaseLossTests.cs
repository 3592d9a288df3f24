using Microsoft.ML;
using MLNet.Lstm.Training;
using TorchSharp;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary>
/// <see cref="LstmLoss.Mase"/>: each window's absolute errors scaled by the window's in-sample seasonal-naive MAE
/// (hand-computed), constant windows count 0, the value does not change under a per-window affine normalisation, and
/// the trainer trains with it.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class MaseLossTests
{
    // Window targets (T = 4): [1, 2, 4, 7] and the constant [5, 5, 5, 5]; predictions and labels for h = 2.
    private static readonly float[] Series = { 1, 2, 4, 7, 5, 5, 5, 5 };
    private static readonly float[] Prediction = { 8, 9, 6, 6 };
    private static readonly float[] Target = { 9, 12, 5, 5 };

    [Fact]
    public void Lag1ScalesEachWindowByItsNaiveMaeAndConstantWindowsCountZero()
    {
        using var scope = torch.NewDisposeScope();
        // Window 0: naive errors |2−1|, |4−2|, |7−4| = 1, 2, 3 → MAE 2; errors 1, 3 → 0.5, 1.5. Window 1: MAE 0 → 0, 0.
        // Mean over the 4 values: (0.5 + 1.5 + 0 + 0) / 4 = 0.5.
        var loss = LstmLosses.Mase(Tensor(Prediction), Tensor(Target), torch.tensor(Series).view(2, 4), lag: 1);
        Assert.Equal(0.5f, loss.item<float>(), 6);
    }

    [Fact]
    public void Lag2UsesTheSeasonalNaiveErrors()
    {
        using var scope = torch.NewDisposeScope();
        // Window 0: |4−1|, |7−2| = 3, 5 → MAE 4; errors 1, 3 → 0.25, 0.75. Window 1 counts 0. Mean: 1 / 4 = 0.25.
        var loss = LstmLosses.Mase(Tensor(Prediction), Tensor(Target), torch.tensor(Series).view(2, 4), lag: 2);
        Assert.Equal(0.25f, loss.item<float>(), 6);
    }

    [Fact]
    public void AnAffineNormalisationPerWindowLeavesTheLossUnchanged()
    {
        using var scope = torch.NewDisposeScope();
        var series = torch.tensor(new float[] { 1, 2, 4, 7, 10, 30, 20, 60 }).view(2, 4);
        var prediction = Tensor(new float[] { 8, 9, 50, 40 });
        var target = Tensor(new float[] { 9, 12, 70, 20 });
        float raw = LstmLosses.Mase(prediction, target, series, 1).item<float>();
        // RelativeToLast-like maps: shift = scale = the last value (7, and −60 for a negative scale).
        var shift = torch.tensor(new float[] { 7, -60 }).view(2, 1);
        var scale = torch.tensor(new float[] { 7, -60 }).view(2, 1);
        float normalised = LstmLosses.Mase((prediction - shift) / scale, (target - shift) / scale, (series - shift) / scale, 1).item<float>();
        // Window 0: MAE 2, errors 1, 3; window 1: |20|, |−10|, |40| → MAE 70/3, errors 20, 20 → 6/7 each.
        float expected = (0.5f + 1.5f + 2 * 60f / 70f) / 4;
        Assert.Equal(expected, raw, 5);
        Assert.Equal(expected, normalised, 5);
    }

    [Fact]
    public void TheLagIsTheSeasonalPeriodWhenShorterThanTheWindowElseOne()
    {
        Assert.Equal(12, LstmLosses.SeasonalLag(12, 36));
        Assert.Equal(1, LstmLosses.SeasonalLag(12, 12));
        Assert.Equal(1, LstmLosses.SeasonalLag(0, 36));
    }

    [Fact]
    public void MaseNeedsAWindowOfTwoSteps()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 16, 1, 1, 1, seed: 2);
        var o = new LstmForecastingTrainer.Options { HiddenSizes = new[] { 8 }, Epochs = 1, Loss = LstmLoss.Mase, Seed = 1 };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.Lstm(o).Fit(data));
        Assert.Contains("Loss Mase", e.Message);
        Assert.Contains("the window has 1", e.Message);
    }

    [Fact]
    public void TheValidationLossOfZScoreWindowsIsTheMaseInLabelUnits()
    {
        const int T = 6, H = 2;
        var ml = new MLContext(1);
        var values = Enumerable.Range(0, 60).Select(i => (float)(100 + 3 * i + 20 * Math.Sin(i * 0.9) + (i % 4))).ToArray();
        var series = ml.Data.LoadFromEnumerable(values.Select(v => new ValueRow { Value = v }));
        var chain = ml.Transforms.SlidingWindow("Window", new[] { "Value" }, T, horizon: H)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 8 }, Dropout = 0, Epochs = 2, BatchSize = 8, LearningRate = 0.01f, Seed = 3,
                Loss = LstmLoss.Mase, ValidationFraction = 0.25f, RestoreBestWeights = false,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        using var model = chain.Fit(series);
        var lstm = (LstmForecastingTransformer)model.Last();
        Assert.Equal(LstmLoss.Mase, lstm.Settings.Loss);
        var (x, y) = LstmTestUtil.SeriesWindows(values, T, H);
        var scores = LstmTestUtil.Scores(ml, model.Transform(series), H);
        int n = x.Length, validation = (int)Math.Round(n * 0.25);
        double sum = 0;
        for (int i = n - validation; i < n; i++)
        {
            double scale = Enumerable.Range(1, T - 1).Average(t => Math.Abs(x[i][t] - x[i][t - 1]));
            sum += Enumerable.Range(0, H).Sum(k => Math.Abs(scores[i][k] - y[i][k])) / scale;
        }
        double expected = sum / (validation * H);
        double reported = lstm.History[^1].ValidationLoss!.Value;
        Assert.True(Math.Abs(reported - expected) <= 1e-4 * expected, $"validation loss {reported} vs MASE in label units {expected}");
    }

    private sealed class ValueRow
    {
        public float Value { get; set; }
    }

    private static torch.Tensor Tensor(float[] values) => torch.tensor(values).view(2, 2);
}
