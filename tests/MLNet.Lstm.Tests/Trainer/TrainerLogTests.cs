using System.Collections.Concurrent;
using Microsoft.ML;

namespace MLNet.Lstm.Tests.Trainer;

public class TrainerLogTests
{
    [Fact]
    public void TrainerWritesToTheMLContextLogItIsGiven()
    {
        var ml = new MLContext(seed: 1);
        var messages = new ConcurrentQueue<string>();
        ml.Log += (_, e) =>
        {
            if (e.Source == nameof(LstmForecastingTrainer))
                messages.Enqueue(e.Message);
        };
        var data = LstmTestUtil.RandomData(ml, 64, 4, 2, 1, seed: 3);
        var options = new LstmForecastingTrainer.Options
        {
            HiddenSizes = new[] { 3 },
            Epochs = 3,
            BatchSize = 16,
            ValidationFraction = 0.25f,
            Seed = 1,
            Device = new TorchDeviceOptions { Device = "cpu" },
            Context = ml,
        };
        using var model = ml.Forecasting.Lstm(options).Fit(data);

        var all = messages.ToArray();
        Assert.Contains(all, m => m.Contains("Training LSTM [3]") && m.Contains("48 training windows") && m.Contains("16 validation windows"));
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            var line = Assert.Single(all, m => m.Contains($"Epoch {epoch}/3: train loss"));
            Assert.Contains(model.History[epoch - 1].TrainLoss.ToString("G6"), line);
        }

        // Without a Context the trainer says nothing on the context's log.
        messages.Clear();
        options.Context = null;
        using var quiet = ml.Forecasting.Lstm(options).Fit(data);
        Assert.Empty(messages);
    }
}
