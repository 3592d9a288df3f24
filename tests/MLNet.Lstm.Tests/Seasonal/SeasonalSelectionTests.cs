using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Tests.Windows;

namespace MLNet.Lstm.Tests.Seasonal;

/// <summary>
/// <c>SeasonalPeriod = AutoSeasonalPeriod</c> with validation windows: the trainer trains the plain and the seasonal
/// candidate, each as it would be trained alone, keeps the seasonal one unless the plain one's validation MSE in the label's own units is lower by more than one standard error
/// (checked against the standalone models' validation rows scored through the fitted chain) and reports both;
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
    private static IDataView WalkWithAWeakWave(MLContext ml, int rows = 1000)
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

    private static (LstmForecastingTransformer Model, List<string> Messages) Fit(IDataView data, LstmForecastingTrainer.Options o) =>
        FitAndMeasure(data, o) is var f ? (f.Model, f.Messages) : default;

    /// <summary>
    /// Fits the chain and measures, independently of the trainer, the validation MSE in the label's own units: the
    /// validation rows (the last <c>ValidationFraction</c> of the labelled windows, the trainer's split) scored through
    /// the fitted transformers (whose Score is de-normalised), (Score − Label)² averaged.
    /// </summary>
    private static (LstmForecastingTransformer Model, List<string> Messages, double ValidationMse, double[] Errors) FitAndMeasure(IDataView data, LstmForecastingTrainer.Options o)
    {
        var ml = new MLContext(1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source == nameof(LstmForecastingTrainer) && e.Message.Contains("SeasonalPeriod auto:")) lock (messages) messages.Add(e.Message); };
        o.Context = ml;
        var chain = ml.Transforms.SlidingWindow("Window", new[] { "X" }, Window, 1)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore))
            .Append(ml.Forecasting.Lstm(o)).Fit(data);
        var scored = chain.Transform(data);
        var labels = scored.GetColumn<float>("Label").ToArray();
        var scores = WindowTestUtil.Vectors(scored, "Score");
        var labelled = Enumerable.Range(0, labels.Length).Where(i => !float.IsNaN(labels[i])).ToArray();
        int validation = (int)Math.Round(labelled.Length * (double)o.ValidationFraction);
        var errors = labelled.TakeLast(validation).Select(i => Math.Pow((double)scores[i][0] - labels[i], 2)).ToArray();
        return (chain.LastTransformer, messages, validation == 0 ? double.NaN : errors.Average(), errors);
    }

    /// <summary>The trainer's label-unit MSE (float forwards in torch) against the ONNX scoring's, to a relative 1e-4.</summary>
    private static void AssertSameMse(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Abs(expected), $"validation MSE {actual} reported, {expected} recomputed from the scored validation rows");

    /// <summary>The validation loss of the weights a single-network model holds (its best epoch's).</summary>
    private static double HeldValidationLoss(LstmForecastingTransformer model) =>
        model.History.Single(e => e.Epoch == model.BestEpoch).ValidationLoss!.Value;

    [Fact]
    public void TheSeasonalCandidateWinsOnAStronglySeasonalSeriesAndIsTheStandaloneSeasonalFit()
    {
        var ml = new MLContext(1);
        var data = StronglySeasonal(ml);
        var (model, messages, modelMse, _) = FitAndMeasure(data, Options(Auto));
        var (seasonal, _, seasonalMse, _) = FitAndMeasure(data, Options(6));
        var (plain, _, plainMse, _) = FitAndMeasure(data, Options(0));
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
            // The compared errors: the standalone models' validation rows scored and measured in the label's units.
            AssertSameMse(plainMse, choice.PlainValidationMse);
            AssertSameMse(seasonalMse, choice.SeasonalValidationMse);
            AssertSameMse(modelMse, choice.SeasonalValidationMse);
            Assert.True(choice.SeasonalValidationMse < choice.PlainValidationMse,
                $"seasonal {choice.SeasonalValidationMse} against plain {choice.PlainValidationMse}");
            Assert.Equal(seasonal.GetOnnxModel(), model.GetOnnxModel());
            Assert.Equal(seasonal.History.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss)), model.History.Select(e => (e.Epoch, e.TrainLoss, e.ValidationLoss)));
            lock (messages)
                Assert.Contains(messages, m => m.Contains($"validation MSE in label units {choice.PlainValidationMse:G6} for the plain network, {choice.SeasonalValidationMse:G6} for the seasonal one (period 6, Differences)")
                    && m.Contains($"normalised validation loss {choice.PlainValidationLoss:G6} and {choice.SeasonalValidationLoss:G6}")
                    && m.Contains("keeping the seasonal network"));
        }
    }

    [Fact]
    public void ThePlainCandidateWinsOnAWalkWithAWeakWaveAndItsGraphIsThePlainFits()
    {
        var ml = new MLContext(1);
        var data = WalkWithAWeakWave(ml);
        var (model, messages, modelMse, _) = FitAndMeasure(data, Options(Auto, epochs: 40));
        var (plain, _, plainMse, plainErrors) = FitAndMeasure(data, Options(0, epochs: 40));
        var (seasonal, _, seasonalMse, seasonalErrors) = FitAndMeasure(data, Options(6, epochs: 40));
        using (model) using (plain) using (seasonal)
        {
            var choice = model.Settings.SeasonalSelection;
            Assert.NotNull(choice);
            Assert.Equal(6, choice!.DetectedPeriod); // the detector finds the wave ...
            Assert.False(choice.SeasonalChosen, $"plain {choice.PlainValidationMse} seasonal {choice.SeasonalValidationMse} SE {choice.DifferenceStandardError}"); // ... but the seasonal anchor loses on the validation windows by more than one standard error
            // The standard error recomputed from the standalone chains' scored validation rows, window by window.
            var d = plainErrors.Zip(seasonalErrors, (a, b) => a - b).ToArray();
            double se = Math.Sqrt(d.Sum(v => (v - d.Average()) * (v - d.Average())) / (d.Length - 1) / d.Length);
            Assert.True(Math.Abs(se - choice.DifferenceStandardError) <= 1e-3 * se, $"standard error {choice.DifferenceStandardError} reported, {se} recomputed");
            Assert.True(choice.PlainValidationMse < choice.SeasonalValidationMse - choice.DifferenceStandardError);
            Assert.Equal(HeldValidationLoss(plain), choice.PlainValidationLoss);
            Assert.Equal(HeldValidationLoss(seasonal), choice.SeasonalValidationLoss);
            AssertSameMse(plainMse, choice.PlainValidationMse);
            AssertSameMse(seasonalMse, choice.SeasonalValidationMse);
            AssertSameMse(modelMse, choice.PlainValidationMse);
            Assert.True(choice.PlainValidationMse < choice.SeasonalValidationMse,
                $"plain {choice.PlainValidationMse} against seasonal {choice.SeasonalValidationMse}");
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
    public void WithAnEnsembleTheAveragedPredictionDecidesAndTheChosenGraphIsTheStandaloneOne()
    {
        var ml = new MLContext(1);
        var data = WalkWithAWeakWave(ml);
        var (model, messages) = Fit(data, Options(Auto, epochs: 40, ensemble: 2));
        var (plain, _, plainMse, _) = FitAndMeasure(data, Options(0, epochs: 40, ensemble: 2));
        var (seasonal, _, seasonalMse, _) = FitAndMeasure(data, Options(6, epochs: 40, ensemble: 2));
        using (model) using (plain) using (seasonal)
        {
            var choice = model.Settings.SeasonalSelection!;
            Assert.False(choice.SeasonalChosen);
            Assert.Equal(plain.GetOnnxModel(), model.GetOnnxModel());
            // The error of the ensemble's averaged prediction (what the model's graph scores), not the members' mean error.
            AssertSameMse(plainMse, choice.PlainValidationMse);
            AssertSameMse(seasonalMse, choice.SeasonalValidationMse);
            lock (messages)
                Assert.Contains(messages, m => m.Contains("(the 2 members' averaged prediction)") && m.Contains("keeping the plain network"));
        }
    }

    [Fact]
    public void WithAQuantileHeadTheMedianThatBecomesScoreIsMeasured()
    {
        var ml = new MLContext(1);
        var o = Options(Auto);
        o.Quantiles = new[] { 0.1f, 0.5f, 0.9f };
        var (model, _, modelMse, _) = FitAndMeasure(StronglySeasonal(ml), o);
        using (model)
        {
            var choice = model.Settings.SeasonalSelection!;
            // The kept candidate's reported error is that of the model's Score (the median), in label units.
            AssertSameMse(modelMse, choice.SeasonalChosen ? choice.SeasonalValidationMse : choice.PlainValidationMse);
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

    [Theory]
    [InlineData(10.0, 11.0, 2.0, true)]   // plain lower by 1, within one standard error: the seasonal structure stays
    [InlineData(10.0, 11.0, 0.5, false)]  // plain lower by more than one standard error: plain
    [InlineData(11.0, 11.0, 0.0, true)]   // a tie: seasonal
    [InlineData(12.0, 11.0, 0.0, true)]   // seasonal lower
    public void TheOneStandardErrorRuleKeepsTheSeasonalNetworkUnlessThePlainOneIsClearlyBetter(double plain, double seasonal, double se, bool seasonalChosen)
    {
        var choice = new LstmSeasonalSelection(12, SeasonalNetworkInput.Differences, plain, seasonal) { DifferenceStandardError = se };
        Assert.Equal(seasonalChosen, choice.SeasonalChosen);
    }

    [Fact]
    public void ThePairedStandardErrorIsTheSampleStandardDeviationOfTheDifferencesOverRootN()
    {
        // d = [1, 2, 3]: mean 2, sample variance ((1 + 0 + 1) / 2) = 1, standard error sqrt(1 / 3).
        Assert.Equal(Math.Sqrt(1.0 / 3), MLNet.Lstm.Training.CandidateSelectionRule.PairedStandardError(new[] { 1.0, 3.0, 5.0 }, new[] { 0.0, 1.0, 2.0 }), 12);
        Assert.Equal(0, MLNet.Lstm.Training.CandidateSelectionRule.PairedStandardError(new[] { 4.0 }, new[] { 1.0 }));
    }
}
