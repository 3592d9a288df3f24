using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ForecastService;
using Microsoft.ML;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Service;

/// <summary>
/// A request the model cannot score gets a 422 that names the model's own normalisation and the window's values, not
/// another normalisation's cause: a ZScore model asked about values near 1e20 and ±3e38 (beyond what single-precision
/// z-scoring can hold) is not told about RelativeToFirst's first value.
/// </summary>
[Collection(ServiceCollection.Name)]
public class ServiceUnscorableTests(ServiceModels models)
{
    private string TrainZScoreModel()
    {
        var ml = new MLContext(seed: 4);
        var data = LoadEuStock(ml);
        var model = ml.Transforms.SlidingWindow("Window", new[] { "DAX", "SMI" }, windowSize: ServiceModels.Window, targetColumnName: "DAX")
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 4 },
                Epochs = 1,
                BatchSize = 64,
                Seed = 4,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }))
            .Fit(ml.Data.TakeRows(data, 300));
        string path = Path.Combine(models.Folder, $"zscore-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, data.Schema, path);
        model.LastTransformer.Dispose();
        return path;
    }

    private object Body(float[] dax, int steps) => new { series = new Dictionary<string, float[]> { ["DAX"] = dax, ["SMI"] = models.Smi }, steps };

    [Fact]
    public async Task AZScoreModelAskedAboutHugeValuesNamesZScoreNotRelativeToFirst()
    {
        using var service = models.Start(TrainZScoreModel());
        // Near float.MaxValue with alternating signs: the window's deviations overflow single precision in any z-scoring.
        var extreme = Enumerable.Range(0, 12).Select(i => (i % 2 == 0 ? 1 : -1) * 3e38f).ToArray();
        var response = await service.Client.PostAsJsonAsync("/forecast", Body(extreme, steps: 2));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{response.StatusCode}: {body}");
        string detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("ZScore", detail);
        Assert.DoesNotContain("RelativeToFirst", detail);
        Assert.DoesNotContain("first value", detail);

        // The reproducer: values around 1e20. Whatever the library makes of them, the service's answer is either
        // a finite forecast or a 422 that names ZScore and the window's values.
        var large = Enumerable.Range(0, 12).Select(i => 1e20f * (1 + 0.1f * MathF.Sin(i))).ToArray();
        response = await service.Client.PostAsJsonAsync("/forecast", Body(large, steps: 1));
        body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var answer = JsonSerializer.Deserialize<ForecastResponse>(body, JsonSerializerOptions.Web)!;
            Assert.True(float.IsFinite(answer.Forecast[0]), body);
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{response.StatusCode}: {body}");
            detail = JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains("ZScore", detail);
            Assert.Contains("series.DAX from 9", detail);
            Assert.DoesNotContain("RelativeToFirst", detail);
        }
    }

    [Fact]
    public void TheMessageNamesTheZeroThatARelativeModelDividesBy()
    {
        var windowing = new SeriesWindowing("Window", new[] { "DAX", "SMI" }, WindowSize: 3, TargetIndex: 0, Horizon: 1);
        var request = new ForecastRequest
        {
            Series = new Dictionary<string, double?[]?> { ["DAX"] = new double?[] { 5, 1, 2, 3 }, ["SMI"] = new double?[] { 9, 0, 4, 5 } },
        };
        string relative = UnscorableWindow.Describe(request, windowing, WindowNormalization.RelativeToFirst, float.NaN);
        Assert.Equal("The model's score for the request's last window (the last 3 values of each column: series.DAX from 1 to 3; series.SMI from 0 to 5) " +
            "is NaN, not a finite number. The model normalises windows with RelativeToFirst, which divides by the window's first value, and that is 0 in series.SMI. " +
            "Send a window that does not start at 0, or use a model trained with MinMax or ZScore windows.", relative);
        string zscore = UnscorableWindow.Describe(request, windowing, WindowNormalization.ZScore, float.PositiveInfinity);
        Assert.Contains("is Infinity, not a finite number. The model normalises windows with ZScore, and its single-precision arithmetic overflows", zscore);
    }
}
