using System.Diagnostics;
using System.Net.Http.Json;
using ForecastService;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Suite 7, service: the forecasting web service (samples/ForecastService) on Kestrel at a loopback port, called by 8
/// concurrent HttpClient clients with the last window of the bundled series; throughput and p50/p99 latency per
/// request, for 1 and 10 forecast steps (8 × 1,000 and 8 × 250 requests; --quick: 8 × 5). The model: window 49 of DAX and SMI, RelativeToFirst, LSTM 100×100×100
/// (the sample's architecture, trained for 1 epoch here: the weights do not change the cost).
/// </summary>
internal static class ServiceSuite
{
    private const int Clients = 8, WindowSize = 49;

    public static void Run(BenchmarkSettings s)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"mlnet-lstm-bench-service-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            var (model, request) = TrainModel(folder, s.Quick);
            var app = ForecastServiceApp.Build(new[] { "--model", model, "--urls", "http://127.0.0.1:0" },
                b => b.Logging.SetMinimumLevel(LogLevel.Warning));
            app.StartAsync().GetAwaiter().GetResult();
            try
            {
                string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                s.Line($"### Service: POST /forecast on Kestrel at loopback, {Clients} concurrent clients, window {WindowSize} × 2, LSTM {(s.Quick ? "8" : "100×100×100")}");
                s.Line();
                s.Line("| steps | requests | throughput (requests/s) | p50 latency (ms) | p99 latency (ms) |");
                s.Line("|---:|---:|---:|---:|---:|");
                foreach (int steps in new[] { 1, 10 })
                {
                    int perClient = s.Quick ? 5 : steps == 1 ? 1000 : 250;
                    Load(address, request(steps), Clients, s.Quick ? 2 : 100); // warm-up
                    var (wall, latencies) = Load(address, request(steps), Clients, perClient);
                    Array.Sort(latencies);
                    s.Line($"| {steps} | {latencies.Length:N0} | {latencies.Length / wall:N0} | {Percentile(latencies, 0.50):F2} | {Percentile(latencies, 0.99):F2} |");
                }
                s.Line();
            }
            finally
            {
                app.StopAsync().GetAwaiter().GetResult();
                ((IDisposable)app).Dispose();
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (string Model, Func<int, object> Request) TrainModel(string folder, bool quick)
    {
        var ml = new MLContext(seed: 1);
        string csv = Path.Combine(AppContext.BaseDirectory, "data", "eustockmarkets.csv");
        var data = ml.Data.LoadFromTextFile(csv, new[]
        {
            new TextLoader.Column("DAX", DataKind.Single, 1), new TextLoader.Column("SMI", DataKind.Single, 2),
        }, separatorChar: ',', hasHeader: true);
        var model = ml.Transforms.SlidingWindow("Window", new[] { "DAX", "SMI" }, WindowSize, targetColumnName: "DAX")
            .Append(ml.Transforms.NormalizeWindows("Window"))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = quick ? new[] { 8 } : new[] { 100, 100, 100 },
                Epochs = 1,
                BatchSize = 64,
                Seed = 1,
                Device = new TorchDeviceOptions { Device = "cpu" },
            }))
            .Fit(ml.Data.TakeRows(data, quick ? 200 : 1000));
        string path = Path.Combine(folder, "model.zip");
        ml.Model.Save(model, data.Schema, path);
        model.LastTransformer.Dispose();
        var dax = data.GetColumn<float>("DAX").TakeLast(WindowSize).ToArray();
        var smi = data.GetColumn<float>("SMI").TakeLast(WindowSize).ToArray();
        return (path, steps => new { series = new Dictionary<string, float[]> { ["DAX"] = dax, ["SMI"] = smi }, steps });
    }

    /// <summary>Each client sends its requests one after another; returns the wall time (s) and every latency (ms).</summary>
    private static (double Wall, double[] Latencies) Load(string address, object request, int clients, int perClient)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri(address) };
        var latencies = new double[clients * perClient];
        var wall = Stopwatch.StartNew();
        Task.WaitAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (int i = 0; i < perClient; i++)
            {
                long start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/forecast", request);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                latencies[c * perClient + i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })).ToArray());
        return (wall.Elapsed.TotalSeconds, latencies);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
