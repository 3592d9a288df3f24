using System.Net;
using System.Net.Http.Json;
using ForecastService;
using Microsoft.ML;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Service;

/// <summary>
/// With an interval model (ConformalLevel) the service returns the model's LowerBound/UpperBound for forecasts
/// within the model's horizon (scored from the last true window, the model's own band), and null past the horizon.
/// </summary>
// In the service collection: one in-process service starts at a time (WebApplicationFactory hosts of the same entry
// point started in parallel can pick up each other's host).
[Collection(ServiceCollection.Name)]
public class ServiceBoundsTests(ServiceModels models)
{
    private const int Horizon = 3;

    private string TrainIntervalModel()
    {
        var ml = new MLContext(seed: 3);
        var data = LoadEuStock(ml);
        var model = ml.Transforms.SlidingWindow("Window", new[] { "DAX", "SMI" }, windowSize: ServiceModels.Window, horizon: Horizon, targetColumnName: "DAX")
            .Append(ml.Transforms.NormalizeWindows("Window"))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 4 },
                Epochs = 1,
                BatchSize = 64,
                Seed = 3,
                ConformalLevel = 0.9f,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }))
            .Fit(ml.Data.TakeRows(data, 300));
        string path = Path.Combine(models.Folder, $"interval-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, data.Schema, path);
        model.LastTransformer.Dispose();
        return path;
    }

    [Fact]
    public async Task AnIntervalModelsBoundsComeBackWithinItsHorizonAndNotPastIt()
    {
        string zip = TrainIntervalModel();
        using var service = models.Start(zip);

        var within = await service.Client.PostAsJsonAsync("/forecast", models.Request(steps: Horizon));
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        var answer = (await within.Content.ReadFromJsonAsync<ForecastResponse>())!;
        Assert.NotNull(answer.LowerBound);
        Assert.NotNull(answer.UpperBound);
        Assert.Equal(Horizon, answer.LowerBound!.Length);
        for (int k = 0; k < Horizon; k++)
        {
            Assert.True(answer.LowerBound[k] < answer.Forecast[k] && answer.Forecast[k] < answer.UpperBound![k],
                $"step {k}: {answer.LowerBound[k]} < {answer.Forecast[k]} < {answer.UpperBound![k]}");
        }

        // The same band as the model's own columns for the series' last window.
        var ml = new MLContext();
        var loaded = ml.Forecasting.LoadModel(zip);
        int t = ServiceModels.Window;
        var window = new float[t * 2];
        for (int i = 0; i < t; i++)
        {
            window[i * 2] = models.Dax[models.Dax.Length - t + i];
            window[i * 2 + 1] = models.Smi[models.Smi.Length - t + i];
        }
        var rows = ml.Data.LoadFromEnumerable(new[] { new WindowInput { Window = window } });
        var scored = loaded.Transform(rows);
        Assert.Equal(Vectors(scored, "LowerBound")[0], answer.LowerBound);
        Assert.Equal(Vectors(scored, "UpperBound")[0], answer.UpperBound);

        var past = await service.Client.PostAsJsonAsync("/forecast", models.Request(steps: Horizon + 2));
        var recursive = (await past.Content.ReadFromJsonAsync<ForecastResponse>())!;
        Assert.Equal(Horizon + 2, recursive.Forecast.Length);
        Assert.Null(recursive.LowerBound);
        Assert.Null(recursive.UpperBound);
    }

    private sealed class WindowInput
    {
        [Microsoft.ML.Data.VectorType(ServiceModels.Window * 2)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }
}
