using Microsoft.ML;
using MLNet.Lstm.Training;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary>The stages of <see cref="LstmForecastingTrainer.Fit(IDataView)"/> and their collaborators, one at a time.</summary>
public class TrainerStageTests
{
    private static LstmForecastingTrainer.Options Small(int epochs = 2) => new()
    {
        HiddenSizes = new[] { 4 },
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.01f,
        Dropout = 0f,
        Seed = 1,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
    };

    private static LstmTrainingInput ReadInput(IDataView data, LstmForecastingTrainer.Options o)
    {
        var cols = LstmColumns.Resolve(data.Schema, o.FeatureColumnName, o.LabelColumnName, o.WindowSize);
        using var fit = LstmFit.Start(o, CancellationToken.None);
        return LstmTrainingInput.Read(fit, data, cols);
    }

    [Fact]
    public void TheInputStageHoldsOutTheLastFractionOrReadsTheValidationSet()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 100, 4, 2, 1, seed: 3);
        var o = Small();
        o.ValidationFraction = 0.2f;
        var split = ReadInput(data, o);
        Assert.Equal((80, 20, 20), (split.TrainCount, split.SplitValidationCount, split.ValidationCount));
        Assert.Null(split.ValidationData);

        o.ValidationSet = LstmTestUtil.RandomData(ml, 30, 4, 2, 1, seed: 4);
        var separate = ReadInput(data, o);
        Assert.Equal((100, 0, 30), (separate.TrainCount, separate.SplitValidationCount, separate.ValidationCount));

        o.ValidationSet = null;
        o.ValidationFraction = 0.999f;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ReadInput(LstmTestUtil.RandomData(ml, 1, 4, 2, 1, seed: 3), o));
        Assert.Contains("leaves no training windows out of 1", e.Message);
    }

    [Fact]
    public void EarlyStoppingTracksTheBestEpochAndRunsOutOfPatience()
    {
        var stopping = new EarlyStopping(patience: 2, minDelta: 0.1, keepBestWeights: true);
        int snapshots = 0;
        LstmNetworkWeights Snapshot() { snapshots++; return LstmTestUtil.RandomWeights(snapshots, 2, 1, 1, 2); }
        Assert.True(stopping.Observe(1, 1.0, Snapshot));
        Assert.False(stopping.Observe(2, 0.95, Snapshot));   // not better by more than minDelta
        Assert.False(stopping.ShouldStop);
        Assert.True(stopping.Observe(3, 0.5, Snapshot));
        Assert.False(stopping.Observe(4, 0.6, Snapshot));
        Assert.False(stopping.Observe(5, double.NaN, Snapshot));
        Assert.True(stopping.ShouldStop);
        Assert.Equal((3, 0.5, 2, 2), (stopping.BestEpoch, stopping.Best, stopping.Wait, snapshots));

        var noPatience = new EarlyStopping(0, 0, keepBestWeights: false);
        for (int epoch = 1; epoch <= 5; epoch++)
            noPatience.Observe(epoch, 1.0, () => throw new InvalidOperationException("no snapshot without RestoreBestWeights"));
        Assert.False(noPatience.ShouldStop);
        Assert.Null(noPatience.BestWeights);
        Assert.Equal(1, noPatience.BestEpoch);
    }

    [Fact]
    public void TheDivergenceGuardStopsALossThatGrowsTenThousandFoldOverItsBest()
    {
        var guard = new DivergenceGuard(learningRate: 0.5f);
        guard.ObserveBatch(1, 2.0, 16);                        // the untrained network's reference: 2
        guard.CheckEpoch(1, 1.0, 3.0);
        guard.CheckEpoch(2, 4.0, 30.0);                        // worse, but not by orders of magnitude
        var e = Assert.Throws<InvalidOperationException>(() => guard.CheckEpoch(3, 1.0, 3.1e4));
        Assert.Contains("epoch 3: the validation loss 3.1E+04 is more than 10000 times its best so far (3)", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => guard.CheckEpoch(3, 1.01e4, 3.0));
        Assert.Contains("training loss", e.Message);
        Assert.Contains("lower LearningRate than 0.5", e.Message);

        // A loss that reached 0 is measured from the floor (1e-8): 1e-6 is no divergence, 1e-3 is.
        var perfect = new DivergenceGuard(0.01f);
        perfect.CheckEpoch(1, 0.0, null);
        perfect.CheckEpoch(2, 1e-6, null);
        Assert.Throws<InvalidOperationException>(() => perfect.CheckEpoch(3, 1e-3, null));

        // Within the first epoch the reference is the first batches' loss.
        var first = new DivergenceGuard(1e6f);
        first.ObserveBatch(1, 1e4, 8);
        first.ObserveBatch(1, 1e4, 8);
        first.ObserveBatch(1, 1e-12, 8);                      // after the reference: not a reference
        Assert.Throws<InvalidOperationException>(() => first.CheckEpoch(1, 2e8, null));
        e = Assert.Throws<InvalidOperationException>(() => first.ObserveBatch(2, double.PositiveInfinity, 8));
        Assert.Contains("the training loss is ∞", e.Message.Replace("Infinity", "∞"));
    }

    [Fact]
    public void TheBatchCollectorCollectsEveryIntervalBatches()
    {
        var collector = new BatchCollector(interval: 2);
        int before = GC.CollectionCount(0);
        for (int i = 0; i < 10; i++)
            collector.AfterBatch();
        Assert.True(GC.CollectionCount(0) - before >= 5, $"{GC.CollectionCount(0) - before} collections");
    }

    [Fact]
    public void FitEventsObserveThePhasesAndBatchesOfOneTrainerOnly()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 64, 4, 2, 1, seed: 3);
        var phases = new List<string>();
        var batches = new List<(int Epoch, int Batch)>();
        var o = Small(2);
        var trainer = ml.Forecasting.Lstm(o);
        trainer.Events.PhaseEnded += (name, _) => phases.Add(name);
        trainer.Events.BatchStarting += (e, b) => batches.Add((e, b));
        using var observed = trainer.Fit(data);
        using var plain = ml.Forecasting.Lstm(Small(2)).Fit(data);   // another trainer: not observed
        Assert.Equal(new[]
        {
            "read training data", "read validation data", "tensors, network, optimizer", "epochs: shuffle + batches",
            "epochs: validation", "epochs: best weights, checkpoints, progress", "final weights, dispose tensors",
            "ONNX export", "OnnxTransformer creation",
        }, phases);
        Assert.Equal(Enumerable.Range(1, 2).SelectMany(e => Enumerable.Range(0, 4).Select(b => (e, b))), batches);
        Assert.Equal(observed.GetOnnxModel(), plain.GetOnnxModel());   // observing changes no number
    }

    [Fact]
    public void SettingsRecordTheEnumsTheSeedAndTheCounts()
    {
        var ml = new MLContext(1);
        var raw = LoadEuStock(ml);
        var windows = ml.Transforms.SlidingWindow("Window", new[] { "DAX", "SMI" }, windowSize: 10).Fit(raw).Transform(ml.Data.TakeRows(raw, 200));
        var normalized = ml.Transforms.NormalizeWindows("Window").Fit(windows).Transform(windows);
        var o = Small(1);
        o.Loss = LstmLoss.Huber;
        o.Optimizer = LstmOptimizer.AdamW;
        o.Seed = 7;
        o.ValidationFraction = 0.25f;
        using var model = ml.Forecasting.Lstm(o).Fit(normalized);
        var s = model.Settings;
        Assert.Equal((LstmLoss.Huber, LstmOptimizer.AdamW, (WindowNormalization?)WindowNormalization.RelativeToFirst, 7),
            (s.Loss, s.Optimizer, s.Normalization, s.Seed));
        Assert.Equal(190, s.TrainingRowCount + s.ValidationRowCount);

        using var rawModel = ml.Forecasting.Lstm(Small(1)).Fit(windows);
        Assert.Null(rawModel.Settings.Normalization);
    }

    [Fact]
    public void TheCheckpointWriterRecordsTheEpochTheBestAndTheArchitecture()
    {
        var shape = new LstmNetworkShape(5, 2, 3, new[] { 8, 4 }, 0f);
        var best = new EarlyStopping(0, 0, false);
        best.Observe(1, 0.5, () => null!);
        var info = new CheckpointWriter(null, shape, LstmOptimizer.Sgd, null).InfoOf(2, best, 0.7, 0.6);
        Assert.Equal((2, 1, 0.5, 0.7, (double?)0.6, "T5-F2-h3-H8x4", "Sgd"),
            (info.Epoch, info.BestEpoch, info.BestLoss, info.TrainLoss, info.ValidationLoss, info.ArchitectureHash, info.Optimizer));
    }
}
