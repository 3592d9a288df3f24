using Microsoft.ML;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Trainer;

public class TrainerOptionTests
{
    private static LstmForecastingTrainer.Options Small() => new()
    {
        HiddenSizes = new[] { 3 },
        Epochs = 1,
        BatchSize = 32,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
    };

    [Fact]
    public void AValidationSetNormalisedDifferentlyFromTheTrainingDataIsAClearError()
    {
        var ml = new MLContext(1);
        var raw = LoadEuStock(ml);
        var windows = ml.Transforms.SlidingWindow("Window", new[] { "DAX", "SMI" }, windowSize: 10).Fit(raw);
        var normalized = ml.Transforms.NormalizeWindows("Window").Fit(windows.Transform(raw)).Transform(windows.Transform(raw));
        var options = Small();
        options.ValidationSet = windows.Transform(ml.Data.SkipRows(raw, 1500));   // raw windows: not normalised
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.Lstm(options).Fit(normalized));
        Assert.Contains("ValidationSet", ex.Message);
        Assert.Contains("RelativeToFirst", ex.Message);
        Assert.Contains("same SlidingWindow and NormalizeWindows", ex.Message);
    }

    [Fact]
    public void OptionsChangedAfterTheTrainerWasMadeAreCheckedAgainAtFit()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 40, 4, 2, 1, seed: 2);
        var options = Small();
        var trainer = ml.Forecasting.Lstm(options);
        options.Epochs = 0;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data));
        Assert.Contains("Epochs must be positive, but is 0", ex.Message);
    }

    [Fact]
    public void ADeviceSeedThatDisagreesWithTheTrainersSeedIsAClearError()
    {
        var options = Small();
        options.Seed = 3;
        options.Device = new TorchDeviceOptions { Device = "cpu", Seed = 42 };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Forecasting.Lstm(options));
        Assert.Contains("Device.Seed is 42 but the trainer's Seed is 3", ex.Message);
        Assert.Contains("Seed = 42", ex.Message);
    }
}
