using Microsoft.ML;
using MLNet.Lstm.Training;

namespace MLNet.Lstm.Tests.Trainer;

public class CancellationAndDivergenceTests
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public CancellationAndDivergenceTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    private static LstmForecastingTrainer.Options Options(int epochs) => new()
    {
        HiddenSizes = new[] { 6 },
        Dropout = 0f,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.01f,
        Seed = 4,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
    };

    [Fact]
    public void AFitCancelledInEpochThreeResumesFromEpochTwoToTheUninterruptedWeights()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 96, 5, 2, 1, seed: 13);
        var dir = Path.Combine(Path.GetTempPath(), $"lstm-cancel-{Guid.NewGuid():N}");
        try
        {
            using var straight = ml.Forecasting.Lstm(Options(4)).Fit(data);

            using var cts = new CancellationTokenSource();
            var cancelled = Options(4);
            cancelled.CheckpointDirectory = dir;
            cancelled.CancellationToken = cts.Token;
            var batches = new List<(int, int)>();
            var trainer = ml.Forecasting.Lstm(cancelled);
            trainer.Events.BatchStarting += (epoch, batch) =>
            {
                batches.Add((epoch, batch));
                if (epoch == 3 && batch == 2)
                    cts.Cancel();
            };
            Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data));
            Assert.Equal((3, 2), batches[^1]);                  // stopped before the third batch of epoch 3 ran
            var (_, info) = LstmCheckpoint.Read(dir);
            Assert.Equal(2, info.Epoch);                        // the last complete epoch's checkpoint is in place
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));

            var resume = Options(4);
            resume.ResumeFromCheckpoint = dir;
            using var resumed = ml.Forecasting.Lstm(resume).Fit(data);
            Assert.Equal(new[] { 3, 4 }, resumed.History.Select(h => h.Epoch));
            Assert.Equal(straight.History.Skip(2).Select(h => h.TrainLoss), resumed.History.Select(h => h.TrainLoss));
            Assert.Equal(straight.GetOnnxModel(), resumed.GetOnnxModel());
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheFitOverloadsTokenCancelsBeforeTraining()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 32, 5, 2, 1, seed: 13);
        var reports = new List<LstmEpochProgress>();
        var o = Options(2);
        o.Progress = new Progress(reports);
        var trainer = ml.Forecasting.Lstm(o);
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(data, new CancellationToken(canceled: true)));
        Assert.Empty(reports);
        using var model = trainer.Fit(data, CancellationToken.None);
        Assert.Equal(2, reports.Count);
    }

    // Issue 13, item 8: Adam at a huge learning rate "trained" to finite nonsense (scores of 4e7 on a series near 100).
    [Fact]
    public void AnExplodingButFiniteLossStopsWithASmallerLearningRateHint()
    {
        var ml = new MLContext(1);
        var series = Enumerable.Range(0, 120).Select(i => 100f + 5f * MathF.Sin(i / 6f)).ToArray();
        var (x, y) = LstmTestUtil.SeriesWindows(series, 8);
        var data = LstmTestUtil.Windows(ml, x, y, 8, 1);
        var o = Options(5);
        o.HiddenSizes = new[] { 8 };
        o.LearningRate = 1e6f;
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.Lstm(o).Fit(data));
        _output.WriteLine(e.Message);
        Assert.Contains("Training diverged in epoch 1", e.Message);
        Assert.Contains("times its best so far", e.Message);
        Assert.Contains("lower LearningRate than 1000000", e.Message);

        o.LearningRate = 0.01f;                                 // the same fit at a sane rate trains
        using var model = ml.Forecasting.Lstm(o).Fit(data);
        Assert.Equal(5, model.History.Count);
    }

    private sealed class Progress : IProgress<LstmEpochProgress>
    {
        private readonly List<LstmEpochProgress> _reports;
        public Progress(List<LstmEpochProgress> reports) => _reports = reports;
        public void Report(LstmEpochProgress value) => _reports.Add(value);
    }
}
