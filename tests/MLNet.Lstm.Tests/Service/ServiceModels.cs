using System.Net.Http.Json;
using ForecastService;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Analysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Service;

/// <summary>
/// Two tiny, different models (window 8 of DAX and SMI, seeds 1 and 2) saved once for the service tests, the request
/// series (the last 12 rows of the data), and each model's forecast of it computed with <see cref="SeriesForecaster"/>.
/// </summary>
public sealed class ServiceModels : IDisposable
{
    public const int Window = 8;
    public const int Steps = 3;

    public ServiceModels()
    {
        Folder = Path.Combine(Path.GetTempPath(), $"forecast-service-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        var data = LoadEuStock(new MLContext());
        var frame = DataFrame.LoadCsv(DataPath);
        long n = frame.Rows.Count;
        Dax = Enumerable.Range(0, 12).Select(i => (float)frame.Columns["DAX"][n - 12 + i]).ToArray();
        Smi = Enumerable.Range(0, 12).Select(i => (float)frame.Columns["SMI"][n - 12 + i]).ToArray();
        ZipA = Train(data, seed: 1, "a.zip");
        ZipB = Train(data, seed: 2, "b.zip");
        ForecastA = Expected(ZipA);
        ForecastB = Expected(ZipB);
        Assert.NotEqual(ForecastA, ForecastB);
    }

    public string Folder { get; }
    public string ZipA { get; }
    public string ZipB { get; }
    public float[] Dax { get; }
    public float[] Smi { get; }
    public float[] ForecastA { get; }
    public float[] ForecastB { get; }

    /// <summary>The request body for the series and <see cref="Steps"/>.</summary>
    public object Request(int steps = Steps) => new { series = new Dictionary<string, float[]> { ["DAX"] = Dax, ["SMI"] = Smi }, steps };

    private string Train(IDataView data, int seed, string name)
    {
        var ml = new MLContext(seed: seed);
        var train = ml.Data.TakeRows(data, 300);
        var model = ml.Transforms.SlidingWindow("Window", new[] { "DAX", "SMI" }, windowSize: Window, targetColumnName: "DAX")
            .Append(ml.Transforms.NormalizeWindows("Window"))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 4 },
                Epochs = 1,
                BatchSize = 64,
                Seed = seed,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }))
            .Fit(train);
        string path = Path.Combine(Folder, name);
        ml.Model.Save(model, data.Schema, path);
        model.LastTransformer.Dispose();
        return path;
    }

    private float[] Expected(string zip)
    {
        using var forecaster = new MLContext().Forecasting.LoadSeriesForecaster(zip);
        var series = new DataFrame(new SingleDataFrameColumn("DAX", Dax), new SingleDataFrameColumn("SMI", Smi));
        return forecaster.Forecast(series, Steps, CovariatePolicy.HoldLastValue).Segments[0].Values;
    }

    /// <summary>A service on a copy of <paramref name="zip"/> in its own folder (the watched file), with quick reloads.</summary>
    public ServiceUnderTest Start(string zip, params (string Key, string Value)[] settings)
    {
        string folder = Path.Combine(Folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string model = Path.Combine(folder, "model.zip");
        File.Copy(zip, model);
        var factory = new WebApplicationFactory<ServiceOptions>().WithWebHostBuilder(b =>
        {
            b.UseSetting("model", model);
            b.UseSetting("Forecast:ReloadDebounceMilliseconds", "20");
            b.UseSetting("Forecast:PollIntervalMilliseconds", "100");
            foreach (var (key, value) in settings)
                b.UseSetting(key, value);
        });
        return new ServiceUnderTest(factory, model);
    }

    /// <summary>Replaces the watched file the way a deployment should: write a temporary name, rename over it.</summary>
    public static void Replace(string modelPath, byte[] content)
    {
        string temp = modelPath + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, modelPath, overwrite: true);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A started in-process service, its client, and its watched model file.</summary>
public sealed class ServiceUnderTest(WebApplicationFactory<ServiceOptions> factory, string modelPath) : IDisposable
{
    public HttpClient Client { get; } = factory.CreateClient();
    public string ModelPath { get; } = modelPath;

    /// <summary>The service's model host (its counters of file reads and model loads).</summary>
    public ModelHost Host => factory.Services.GetRequiredService<ModelHost>();

    public async Task<HealthResponse> HealthAsync() =>
        (await Client.GetFromJsonAsync<HealthResponse>("/health"))!;

    /// <summary>Waits (bounded) until the service serves generation <paramref name="generation"/> or reports a reload error.</summary>
    public async Task<HealthResponse> WaitForAsync(Func<HealthResponse, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var health = await HealthAsync();
            if (condition(health))
                return health;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The service did not reach '{what}' within 30 s; last health: {health}");
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        factory.Dispose();
    }
}

/// <summary>The service tests share one set of trained models and run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceModels>
{
    public const string Name = "ForecastService";
}
