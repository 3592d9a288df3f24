using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Onnx.SavedModelTestUtil;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary>
/// The internal <c>Options.EarlyStopOnSmape</c> of the one call's candidates: the validation loss that drives early
/// stopping is the validation windows' sMAPE in the target's units, not the training loss on normalised windows.
/// </summary>
public class SmapeEarlyStoppingTests
{
    [Theory]
    [InlineData(WindowNormalization.RelativeToLast)]
    [InlineData(WindowNormalization.ZScore)]
    public void TheValidationLossIsTheSmapeOfTheModelsForecastsInTheTargetsUnits(WindowNormalization mode)
    {
        var ml = new MLContext(1);
        var series = Series(ml, rows: 70);
        var prefix = ml.Transforms.SlidingWindow("Window", Columns, T, horizon: 2)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: mode)).Fit(series);
        var windows = prefix.Transform(series);
        var validation = ml.Data.SkipRows(windows, 50);
        var options = new LstmForecastingTrainer.Options
        {
            HiddenSizes = new[] { 4 }, Dropout = 0, Epochs = 1, BatchSize = 16, LearningRate = 0.01f, Loss = LstmLoss.Mae,
            ValidationSet = validation, RestoreBestWeights = true, Seed = 2, EarlyStopOnSmape = true,
            Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
        };
        using var lstm = ml.Forecasting.Lstm(options).Fit(ml.Data.TakeRows(windows, 50));

        // One epoch: the model holds that epoch's weights, so its forecasts give the loss the epoch reported.
        var scored = lstm.Transform(validation);
        var forecasts = Scores(scored);
        var labels = scored.GetColumn<VBuffer<float>>("Label").Select(v => v.DenseValues().ToArray()).ToArray();
        Assert.Equal(labels.Length, forecasts.Length);
        double expected = forecasts.Zip(labels, (f, y) => f.Zip(y, (a, b) => 200.0 * Math.Abs(b - a) / (Math.Abs(a) + Math.Abs(b))).Average()).Average();
        double reported = lstm.History[0].ValidationLoss!.Value;
        Assert.Equal(expected, reported, expected * 1e-4);
        Assert.InRange(reported, 0.01, 50); // a percentage, not a normalised MAE
    }
}
