using Microsoft.ML;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary>What the trainer takes from <see cref="LstmForecastingTrainer.Options.Context"/>.</summary>
public class TrainerContextTests
{
    private static LstmForecastingTrainer.Options Unseeded(MLContext? context) => new()
    {
        HiddenSizes = new[] { 3 },
        Epochs = 1,
        BatchSize = 16,
        Dropout = 0.2f,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
        Context = context,
    };

    [Fact]
    public void WithoutASeedTheSeedComesFromTheContextsRandomGenerator()
    {
        var data = LstmTestUtil.RandomData(new MLContext(1), 48, 4, 2, 1, seed: 3);
        LstmForecastingTransformer FitWith(MLContext? context) => context is null
            ? new MLContext().Forecasting.Lstm(Unseeded(null)).Fit(data)
            : context.Forecasting.Lstm(Unseeded(context)).Fit(data);

        using var a = FitWith(new MLContext(seed: 5));
        using var b = FitWith(new MLContext(seed: 5));
        using var c = FitWith(new MLContext(seed: 6));
        Assert.Equal(a.Settings.Seed, b.Settings.Seed);
        Assert.Equal(a.GetOnnxModel(), b.GetOnnxModel());           // same context seed: same fit
        Assert.NotEqual(a.Settings.Seed, c.Settings.Seed);           // another context seed: another fit

        var shared = new MLContext(seed: 5);
        using var first = FitWith(shared);
        using var second = FitWith(shared);
        Assert.NotEqual(first.Settings.Seed, second.Settings.Seed);  // each fit draws anew, like ML.NET's trainers

        using var none = FitWith(null);
        Assert.Equal(0, none.Settings.Seed);                        // no context, no seed: 0, as before

        var seeded = Unseeded(new MLContext(seed: 5));
        seeded.Seed = 11;
        using var explicitSeed = new MLContext().Forecasting.Lstm(seeded).Fit(data);
        Assert.Equal(11, explicitSeed.Settings.Seed);               // a Seed the user set wins
    }

    [Fact]
    public void TheSimpleCatalogOverloadHasNoContextAndSaysNothing()
    {
        var ml = new MLContext(1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source == nameof(LstmForecastingTrainer)) lock (messages) messages.Add(e.Message); };
        var data = LstmTestUtil.RandomData(ml, 32, 4, 2, 1, seed: 3);
        var trainer = ml.Forecasting.Lstm(hiddenSizes: new[] { 2 }, epochs: 1);
        Assert.Null(trainer.TrainerOptions.Context);
        trainer.TrainerOptions.Device = new TorchDeviceOptions { Device = "cpu" };
        trainer.TrainerOptions.Seed = 1;
        using var _ = trainer.Fit(data);
        Assert.Empty(messages);
        trainer.TrainerOptions.Context = ml;
        using var __ = trainer.Fit(data);
        lock (messages)
            Assert.Contains(messages, m => m.Contains("] Epoch 1/1: train loss", StringComparison.Ordinal));
    }
}
