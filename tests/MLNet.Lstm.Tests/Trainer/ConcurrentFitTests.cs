using Microsoft.ML;

namespace MLNet.Lstm.Tests.Trainer;

public class ConcurrentFitTests
{
    private static byte[] FitOnce(int seed)
    {
        var ml = new MLContext(seed: 1);
        var data = LstmTestUtil.RandomData(ml, 96, 5, 2, 1, seed: 21);
        using var model = ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
        {
            HiddenSizes = new[] { 6 },
            Dropout = 0.3f,   // dropout draws from torch's generator during training too
            Epochs = 2,
            BatchSize = 8,
            Seed = seed,
            Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
        }).Fit(data);
        return model.GetOnnxModel();
    }

    [Fact]
    public async Task FitsRunningAtOnceAreEachReproducibleFromTheirSeed()
    {
        var alone = FitOnce(seed: 7);
        var together = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(i => Task.Run(() => FitOnce(seed: i % 2 == 0 ? 7 : 8))));
        Assert.Equal(alone, together[0]);
        Assert.Equal(alone, together[2]);
        Assert.NotEqual(alone, together[1]);
        Assert.Equal(together[1], together[3]);
    }
}
