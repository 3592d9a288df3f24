using System.Text.Json;
using Microsoft.ML;

namespace MLNet.Lstm.Tests.Trainer;

public class CheckpointResumeTests
{
    private static void InTemporaryFolder(Action<string> test)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"lstm-resume-{Guid.NewGuid():N}");
        try
        {
            test(dir);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    private static LstmForecastingTrainer.Options Options(int epochs, LstmOptimizer optimizer) => new()
    {
        HiddenSizes = new[] { 6 },
        Dropout = 0f,            // dropout masks are not part of a checkpoint
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.01f,
        Optimizer = optimizer,
        Shuffle = true,
        Seed = 4,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
    };

    [Theory]
    [InlineData(LstmOptimizer.Adam)]
    [InlineData(LstmOptimizer.Sgd)]
    public void TwoPlusTwoEpochsFromACheckpointEqualFourEpochsInOneRun(LstmOptimizer optimizer)
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 96, 5, 2, 1, seed: 13);
        InTemporaryFolder(dir =>
        {
        using var straight = ml.Forecasting.Lstm(Options(4, optimizer)).Fit(data);

        var firstHalf = Options(2, optimizer);
        firstHalf.CheckpointDirectory = dir;
        using var _ = ml.Forecasting.Lstm(firstHalf).Fit(data);
        Assert.True(File.Exists(Path.Combine(dir, "last.opt")), "the optimizer state is saved with the checkpoint");
        using (var sidecar = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "last.json"))))
        {
            Assert.Equal(2, sidecar.RootElement.GetProperty("FormatVersion").GetInt32());
            Assert.Equal(optimizer.ToString(), sidecar.RootElement.GetProperty("Optimizer").GetString());
        }
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));

        var secondHalf = Options(4, optimizer);
        secondHalf.ResumeFromCheckpoint = dir;
        using var resumed = ml.Forecasting.Lstm(secondHalf).Fit(data);

        Assert.Equal(new[] { 3, 4 }, resumed.History.Select(h => h.Epoch));
        Assert.Equal(straight.History.Skip(2).Select(h => h.TrainLoss), resumed.History.Select(h => h.TrainLoss));
        Assert.Equal(straight.GetOnnxModel(), resumed.GetOnnxModel());
        });
    }

    [Fact]
    public void ResumingWithAnotherOptimizerStartsItFreshAndSaysSo()
    {
        var ml = new MLContext(1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source == nameof(LstmForecastingTrainer)) lock (messages) messages.Add(e.Message); };
        var data = LstmTestUtil.RandomData(ml, 64, 5, 2, 1, seed: 13);
        InTemporaryFolder(dir =>
        {
        var first = Options(1, LstmOptimizer.Adam);
        first.CheckpointDirectory = dir;
        using var _ = ml.Forecasting.Lstm(first).Fit(data);
        var second = Options(2, LstmOptimizer.Sgd);
        second.ResumeFromCheckpoint = dir;
        second.Context = ml;
        using var resumed = ml.Forecasting.Lstm(second).Fit(data);
        Assert.Equal(2, resumed.History.Single().Epoch);
        lock (messages)
            Assert.Contains(messages, m => m.Contains("fresh optimizer state") && m.Contains("Adam") && m.Contains("Sgd"));
        });
    }

    [Fact]
    public void ResumingKeepsTheBestEpochFromBeforeTheCheckpoint()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 96, 5, 2, 1, seed: 13);
        InTemporaryFolder(dir =>
        {
        var first = Options(3, LstmOptimizer.Adam);
        first.CheckpointDirectory = dir;
        using var before = ml.Forecasting.Lstm(first).Fit(data);

        // No later epoch may count as an improvement, so the best weights must come from the checkpoint folder.
        var second = Options(5, LstmOptimizer.Adam);
        second.ResumeFromCheckpoint = dir;
        second.EarlyStoppingMinDelta = 1e9f;
        using var resumed = ml.Forecasting.Lstm(second).Fit(data);
        Assert.Equal(new[] { 4, 5 }, resumed.History.Select(h => h.Epoch));
        Assert.Equal(before.BestEpoch, resumed.BestEpoch);
        Assert.Equal(before.GetOnnxModel(), resumed.GetOnnxModel());
        });
    }

    [Fact]
    public void ACheckpointWhoseFilesDoNotMatchItsSidecarIsRefused()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 64, 5, 2, 1, seed: 13);
        InTemporaryFolder(dir =>
        {
        var first = Options(1, LstmOptimizer.Adam);
        first.CheckpointDirectory = dir;
        using var _ = ml.Forecasting.Lstm(first).Fit(data);
        // An interrupted save: new weights renamed into place, the old sidecar still there.
        using (var stream = File.Open(Path.Combine(dir, "last.pt"), FileMode.Append))
            stream.WriteByte(0);
        var second = Options(2, LstmOptimizer.Adam);
        second.ResumeFromCheckpoint = dir;
        var ex = Assert.Throws<InvalidDataException>(() => ml.Forecasting.Lstm(second).Fit(data));
        Assert.Contains("does not match its sidecar", ex.Message);
        Assert.Contains("best.pt", ex.Message);
        });
    }
}
