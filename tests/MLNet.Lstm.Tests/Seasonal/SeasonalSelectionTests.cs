using Microsoft.ML;

namespace MLNet.Lstm.Tests.Seasonal;

/// <summary>
/// <c>SeasonalPeriod = AutoSeasonalPeriod</c> with validation windows: the trainer trains the plain and the seasonal
/// candidate, each as it would be trained alone, keeps the one with the lower validation loss and reports both losses;
/// without validation windows it keeps the seasonal one; with checkpoints it refuses.
/// </summary>
public class SeasonalSelectionTests
{
    private const int Window = 12;
    private const int Auto = LstmForecastingTrainer.Options.AutoSeasonalPeriod;

    private static LstmForecastingTrainer.Options Options(int period, float validation = 0.2f, int epochs = 12, int ensemble = 1) => new()
    {
        HiddenSizes = new[] { 8 },
        Dropout = 0f,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.01f,
        ValidationFraction = validation,
        RestoreBestWeights = true,
        EnsembleSize = ensemble,
        SeasonalPeriod = period,
        Seed = 5,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
    };

    /// <summary>A clean period-6 series with a trend: the seasonal-naive anchor is almost the answer.</summary>
    private static IDataView StronglySeasonal(MLContext ml, int rows = 160)
    {
        var rng = new Random(3);
        return Load(ml, Enumerable.Range(0, rows).Select(i => 100 + 0.2 * i + 8 * Math.Sin(2 * Math.PI * i / 6) + 0.5 * rng.NextDouble()));
    }

    /// <summary>
    /// A random walk (steps of standard deviation 1) plus a small period-6 wave: the wave makes the first differences'
    /// autocorrelation at lag 6 pass the detector's threshold, but six steps of the walk make the seasonal-naive anchor
    /// y[t−6] a poor start, where the last value is a good one.
    /// </summary>
    private static IDataView WalkWithAWeakWave(MLContext ml, int rows = 300)
    {
        var rng = new Random(11);
        double level = 100;
        return Load(ml, Enumerable.Range(0, rows).Select(i =>
        {
            level += Gaussian(rng);
            return level + 1.5 * Math.Sin(2 * Math.PI * i / 6);
        }).ToArray());
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static IDataView Load(MLContext ml, IEnumerable<double> values) =>
        ml.Data.LoadFromEnumerable(values.Select(v => new Row { X = (float)v }).ToArray());

    private static (LstmForecastingTransformer Model, List<string> Messages) Fit(IDataView data, LstmForecastingTrainer.Options o)
    {
        var ml = new MLContext(1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source == nameof(LstmForecastingTrainer) && e.Message.Contains("SeasonalPeriod auto:")) lock (messages) messages.Add(e.Message); };
        o.Context = ml;
        var chain = ml.Transforms.SlidingWindow("Window", new[] { "X" }, Window, 1)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore))
            .Append(ml.Forecasting.Lstm(o)).Fit(data);
        return (chain.LastTransformer, messages);
    }

    /// <summary>The validation loss of the weights a single-network model holds (its best epoch's).</summary>
    private static double HeldValidationLoss(LstmForecastingTransformer model) =>
        model.History.Single(e => e.Epoch == model.BestEpoch).ValidationLoss!.Value;

    [Fact]
    public void TheSeasonalCandidateWinsOnAStronglySeasonalSeriesAndIsTheStandaloneSeasonalFit()
    {
        var ml = new MLContext(1);
        var data = StronglySeasonal(ml);
        var (model, messages) = Fit(data, Options(Auto));
        var (seasonal, _) = Fit(data, Options(6));
        var (plain, _) = Fit(data, Options(0));
        using (model) using (seasonal) using (plain)
        {
            var choice = model.Settings.SeasonalSelection;
            Assert.NotNull(choice);
            Assert.Equal(6, choice!.DetectedPeriod);
            Assert.Equal(SeasonalNetworkInput.Differences, choice.Input);
            Assert.True(choice.SeasonalChosen);
            Assert.Equal(6, model.Settings.SeasonalPeriod);
            Assert.Equal(6, model.Summary.SeasonalPeriod);
            // Both losses are those of the candidates trained alone: the same validation windows, labels and loss.
            Assert.Equal(HeldValidationLoss(plain), choice.PlainValidationLoss);
            Assert.Equal(HeldValidationLoss(seasonal), choice.SeasonalValidationLoss);
            Assert.True(choice.SeasonalValidationLoss < choice.PlainValidationLoss,
                $"seasonal {choice.SeasonalValidationLoss} against plain {choice.PlainValidationLoss}");
            Assert.Equal(seasonal.GetOnnxModel(), model.GetOnnxModel());
            Assert.Equal(seasonal.History.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss)), model.History.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss)));
            lock (messages)
                Assert.Contains(messages, m => m.Contains($"validation loss {choice.PlainValidationLoss:G6} for the plain network, {choice.SeasonalValidationLoss:G6} for the seasonal one (period 6, Differences)")
                    && m.Contains("keeping the seasonal network"));
        }
    }

    [Fact]
    public void ThePlainCandidateWinsOnAWalkWithAWeakWaveAndItsGraphIsThePlainFits()
    {
        var ml = new MLContext(1);
        var data = WalkWithAWeakWave(ml);
        var (model, messages) = Fit(data, Options(Auto, epochs: 40));
        var (plain, _) = Fit(data, Options(0, epochs: 40));
        var (seasonal, _) = Fit(data, Options(6, epochs: 40));
        using (model) using (plain) using (seasonal)
        {
            var choice = model.Settings.SeasonalSelection;
            Assert.NotNull(choice);
            Assert.Equal(6, choice!.DetectedPeriod); // the detector finds the wave ...
            Assert.False(choice.SeasonalChosen, $"plain {choice.PlainValidationLoss} seasonal {choice.SeasonalValidationLoss} " + string.Join(" ", plain.History.Select(h => h.ValidationLoss))); // ... but the seasonal anchor loses on the validation windows
            Assert.Equal(HeldValidationLoss(plain), choice.PlainValidationLoss);
            Assert.Equal(HeldValidationLoss(seasonal), choice.SeasonalValidationLoss);
            Assert.True(choice.PlainValidationLoss < choice.SeasonalValidationLoss,
                $"plain {choice.PlainValidationLoss} against seasonal {choice.SeasonalValidationLoss}");
            Assert.Equal(0, model.Settings.SeasonalPeriod);
            Assert.Equal(0, model.Summary.SeasonalPeriod);
            Assert.Equal(plain.GetOnnxModel(), model.GetOnnxModel()); // byte for byte the SeasonalPeriod = 0 graph
            Assert.Equal(plain.History.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss)), model.History.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss)));
            Assert.Null(plain.Settings.SeasonalSelection);
            lock (messages)
                Assert.Contains(messages, m => m.Contains("keeping the plain network"));
        }
    }

    [Fact]
    public void WithAnEnsembleTheMembersMeanDecidesAndTheChosenGraphIsTheStandaloneOne()
    {
        var ml = new MLContext(1);
        var data = WalkWithAWeakWave(ml);
        var (model, messages) = Fit(data, Options(Auto, epochs: 40, ensemble: 2));
        var (plain, _) = Fit(data, Options(0, epochs: 40, ensemble: 2));
        using (model) using (plain)
        {
            var choice = model.Settings.SeasonalSelection!;
            Assert.False(choice.SeasonalChosen);
            Assert.Equal(plain.GetOnnxModel(), model.GetOnnxModel());
            lock (messages)
                Assert.Contains(messages, m => m.Contains("(means over the 2 members); keeping the plain network"));
        }
    }

    [Fact]
    public void WithoutValidationWindowsTheSeasonalNetworkIsKeptUntested()
    {
        var ml = new MLContext(1);
        var (model, messages) = Fit(WalkWithAWeakWave(ml), Options(Auto, validation: 0f, epochs: 2));
        using (model)
        {
            Assert.Equal(6, model.Settings.SeasonalPeriod);
            Assert.Null(model.Settings.SeasonalSelection);
            lock (messages)
                Assert.Contains(messages, m => m.Contains("no validation windows to compare the plain and the seasonal network, so the seasonal one (period 6) is kept"));
        }
    }

    [Fact]
    public void AutoWithValidationRefusesCheckpointsAndResume()
    {
        var checkpoint = Options(Auto);
        checkpoint.CheckpointDirectory = Path.Combine(Path.GetTempPath(), "never-written");
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new LstmForecastingTrainer(checkpoint));
        Assert.Contains("trains two candidate networks (plain and seasonal)", ex.Message);
        Assert.Contains("CheckpointDirectory and ResumeFromCheckpoint hold one network", ex.Message);
        var resume = Options(Auto);
        resume.ResumeFromCheckpoint = "somewhere";
        Assert.Throws<ArgumentOutOfRangeException>(() => new LstmForecastingTrainer(resume));
        // Without validation there is no choice, so checkpoints of an auto fit stay allowed (its network is determined by the data).
        var noValidation = Options(Auto, validation: 0f);
        noValidation.CheckpointDirectory = checkpoint.CheckpointDirectory;
        Assert.Same(noValidation, new LstmForecastingTrainer(noValidation).TrainerOptions);
    }

    private sealed class Row
    {
        public float X { get; set; }
    }
}
