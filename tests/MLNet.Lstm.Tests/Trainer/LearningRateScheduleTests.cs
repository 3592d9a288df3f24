using Microsoft.ML;
using MLNet.Lstm.Training;
using static MLNet.Lstm.Tests.Onnx.SavedModelTestUtil;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary><c>Options.LearningRateSchedule</c>: the rates of each schedule, and that a fit applies them.</summary>
public class LearningRateScheduleTests
{
    [Fact]
    public void CosineFollowsTheHalfCosineFromTheFullRate()
    {
        var s = new LearningRateScheduler(LstmLearningRateSchedule.Cosine, 0.1, epochs: 4, minDelta: 0);
        // 0.1 · (1 + cos(π (e - 1) / 4)) / 2 for e = 1..4: 0.1, 0.0853553, 0.05, 0.0146447.
        Assert.Equal(new[] { 0.1, 0.0853553, 0.05, 0.0146447 }, Enumerable.Range(1, 4).Select(e => Math.Round(s.RateFor(e), 7)));
    }

    [Fact]
    public void ReduceOnPlateauHalvesAfterFiveEpochsWithoutImprovementDownToTheFloor()
    {
        var s = new LearningRateScheduler(LstmLearningRateSchedule.ReduceOnPlateau, 0.01, epochs: 100, minDelta: 0);
        s.Observe(1.0);                      // improvement
        for (int i = 0; i < 4; i++)
            s.Observe(1.0);                  // 4 epochs without improvement: unchanged
        Assert.Equal(0.01, s.RateFor(6));
        s.Observe(1.5);                      // the 5th: halved
        Assert.Equal(0.005, s.RateFor(7), 12);
        s.Observe(0.5);                      // an improvement resets the count
        for (int i = 0; i < 4; i++)
            s.Observe(0.6);
        Assert.Equal(0.005, s.RateFor(12), 12);
        for (int i = 0; i < 200; i++)
            s.Observe(0.6);
        Assert.Equal(0.01 * LearningRateScheduler.PlateauFloor, s.RateFor(300), 12); // never below LearningRate / 1000
    }

    [Fact]
    public void ConstantKeepsTheRate()
    {
        var s = new LearningRateScheduler(LstmLearningRateSchedule.Constant, 0.003, epochs: 10, minDelta: 0);
        for (int i = 0; i < 20; i++)
            s.Observe(1);
        Assert.Equal(0.003, s.RateFor(10));
    }

    private static LstmForecastingTransformer Fit(LstmLearningRateSchedule schedule)
    {
        var ml = new MLContext(1);
        var series = Series(ml, rows: 60);
        var chain = ml.Transforms.SlidingWindow("Window", Columns, T)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 4 },
                Dropout = 0,
                Epochs = 4,
                BatchSize = 16,
                LearningRate = 0.05f,
                LearningRateSchedule = schedule,
                Seed = 5,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        return chain.Fit(series).LastTransformer;
    }

    [Fact]
    public void AFitAppliesTheScheduleAndRecordsIt()
    {
        var constant = Fit(LstmLearningRateSchedule.Constant);
        var cosine = Fit(LstmLearningRateSchedule.Cosine);
        Assert.Equal(LstmLearningRateSchedule.Cosine, cosine.Settings.LearningRateSchedule);
        Assert.Equal(LstmLearningRateSchedule.Constant, constant.Settings.LearningRateSchedule);
        // Epoch 1 runs at the full rate under both (same seed, same data): same first-epoch loss; later epochs differ.
        Assert.Equal(constant.History[0].TrainLoss, cosine.History[0].TrainLoss);
        Assert.NotEqual(constant.History[^1].TrainLoss, cosine.History[^1].TrainLoss);
        Assert.NotEqual(constant.Weights.HeadWeight, cosine.Weights.HeadWeight);
        // Deterministic: the same schedule and seed give the same weights.
        Assert.Equal(cosine.Weights.HeadWeight, Fit(LstmLearningRateSchedule.Cosine).Weights.HeadWeight);
    }

    [Fact]
    public void AnUnknownScheduleIsRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new LstmForecastingTrainer(new LstmForecastingTrainer.Options { LearningRateSchedule = (LstmLearningRateSchedule)7 }));
        Assert.Contains("LearningRateSchedule must be Constant, Cosine or ReduceOnPlateau, but is 7", e.Message);
    }
}
