using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ForecastService;
using Microsoft.Extensions.Configuration;

namespace MLNet.Lstm.Tests.Service;

/// <summary>
/// The forecasting web service in-process (WebApplicationFactory): answers equal to <see cref="SeriesForecaster"/>'s,
/// every bad request a 400 problem naming the field, health and OpenAPI, and hot reload of the model file.
/// </summary>
[Collection(ServiceCollection.Name)]
public class ForecastServiceTests(ServiceModels models)
{
    [Fact]
    public async Task ForecastEqualsSeriesForecasterOnTheSameModelAndSeries()
    {
        using var service = models.Start(models.ZipA);
        var response = await service.Client.PostAsJsonAsync("/forecast", models.Request());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<ForecastResponse>())!;
        Assert.Equal(models.ForecastA, answer.Forecast);
        Assert.Equal("DAX", answer.Target);
        Assert.Null(answer.LowerBound);
        Assert.Null(answer.UpperBound);
        Assert.Equal(1, answer.Model.Generation);
        Assert.Equal(new[] { "DAX", "SMI" }, answer.Model.Columns);
        Assert.Equal(ServiceModels.Window, answer.Model.WindowSize);
    }

    public static TheoryData<string, string, string, string> BadRequests() => new()
    {
        // name, JSON body ($D = the 12 DAX values, $S = the 12 SMI values), field, part of the message
        { "no series", """{"steps": 3}""", "series", "is missing; send an object of column" },
        { "empty series", """{"series": {}, "steps": 3}""", "series", "the model's columns DAX, SMI" },
        { "missing column", """{"series": {"DAX": $D}, "steps": 3}""", "series.SMI", "is missing; the model needs the columns DAX, SMI" },
        { "unknown column", """{"series": {"DAX": $D, "SMI": $S, "CAC": $S}, "steps": 3}""", "series.CAC", "is not a column of the model" },
        { "wrong case", """{"series": {"dax": $D, "SMI": $S}, "steps": 3}""", "series.dax", "names are case-sensitive" },
        { "null value", """{"series": {"DAX": [1,2,3,null,5,6,7,8,9], "SMI": [1,2,3,4,5,6,7,8,9]}}""", "series.DAX[3]", "is missing (null)" },
        { "NaN value", """{"series": {"DAX": $D, "SMI": ["NaN",2,3,4,5,6,7,8,9,10,11,12]}}""", "series.SMI[0]", "is NaN (not a finite" },
        { "Infinity value", """{"series": {"DAX": $D, "SMI": [1,2,3,4,5,6,7,8,9,10,11,"-Infinity"]}}""", "series.SMI[11]", "is -Infinity (not a finite" },
        { "overflows Single", """{"series": {"DAX": [1,1e39,3,4,5,6,7,8], "SMI": [1,2,3,4,5,6,7,8]}}""", "series.DAX[1]", "not a finite single-precision number" },
        { "too short", """{"series": {"DAX": [1,2,3,4,5,6,7], "SMI": [1,2,3,4,5,6,7]}}""", "series.DAX", "has 7 values; the model's window needs at least 8" },
        { "unequal lengths", """{"series": {"DAX": [1,2,3,4,5,6,7,8,9,10], "SMI": [1,2,3,4,5,6,7,8,9]}}""", "series.SMI", "has 9 values but series.DAX has 10" },
        { "zero steps", """{"series": {"DAX": $D, "SMI": $S}, "steps": 0}""", "steps", "is 0; ask for 1 to 1000 steps" },
        { "too many steps", """{"series": {"DAX": $D, "SMI": $S}, "steps": 1001}""", "steps", "is 1001; ask for 1 to 1000 steps (the service's Forecast:MaxSteps)" },
        { "steps not a number", """{"series": {"DAX": $D, "SMI": $S}, "steps": "five"}""", "steps", "is not valid" },
        { "misspelt field", """{"series": {"DAX": $D, "SMI": $S}, "step": 3}""", "step", "could not be mapped" },
        { "values not an array", """{"series": {"DAX": 5, "SMI": $S}}""", "series.DAX", "is not valid" },
        { "not JSON", "DAX=1,2,3", "body", "is not valid" },
        { "JSON null", "null", "body", "is empty or null" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequestGets400ProblemNamingTheField(string name, string body, string field, string message)
    {
        using var service = models.Start(models.ZipA);
        body = body.Replace("$D", JsonSerializer.Serialize(models.Dax)).Replace("$S", JsonSerializer.Serialize(models.Smi));
        var response = await service.Client.PostAsync("/forecast", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"{name}: no error for '{field}' in {errors}");
        Assert.Contains(message, messages[0].GetString());
        Assert.Contains(field, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task BodyOverTheLimitGets413AndTheLimitIsConfigurable()
    {
        using var service = models.Start(models.ZipA, ("Forecast:MaxRequestBodyBytes", "2048"), ("Forecast:MaxSteps", "4"));
        var big = new { series = new { DAX = Enumerable.Repeat(1000.5f, 400), SMI = Enumerable.Repeat(1000.5f, 400) } };
        var response = await service.Client.PostAsJsonAsync("/forecast", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("over 2048 bytes (Forecast:MaxRequestBodyBytes)", await response.Content.ReadAsStringAsync());
        var steps = await service.Client.PostAsJsonAsync("/forecast", models.Request(steps: 5));
        Assert.Equal(HttpStatusCode.BadRequest, steps.StatusCode);
        Assert.Contains("is 5; ask for 1 to 4 steps", await steps.Content.ReadAsStringAsync());
        var health = await service.HealthAsync();
        Assert.Equal((4, 2048L), (health.MaxSteps, health.MaxRequestBodyBytes));
    }

    [Fact]
    public async Task HealthAndOpenApiDescribeTheService()
    {
        using var service = models.Start(models.ZipA);
        var health = await service.HealthAsync();
        Assert.Equal("Healthy", health.Status);
        Assert.Equal(service.ModelPath, health.ModelPath);
        Assert.Equal((1, "DAX", ServiceModels.Window, 1), (health.Model.Generation, health.Model.Target, health.Model.WindowSize, health.Model.Horizon));
        Assert.Null(health.LastReloadError);
        string openApi = await service.Client.GetStringAsync("/openapi/v1.json");
        using var document = JsonDocument.Parse(openApi);
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/forecast", out var forecast) && forecast.TryGetProperty("post", out _), openApi);
        Assert.True(paths.TryGetProperty("/health", out _), openApi);
        Assert.Contains("ForecastRequest", openApi);
        Assert.Contains("lowerBound", openApi);
        // steps is optional with default 1, and the description says so and that the request must match the model's window.
        var steps = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ForecastRequest").GetProperty("properties").GetProperty("steps");
        Assert.Equal(1, steps.GetProperty("default").GetInt32());
        Assert.Contains("optional, default 1", steps.GetProperty("description").GetString());
        string description = forecast.GetProperty("post").GetProperty("description").GetString()!;
        Assert.Contains("steps is optional: default 1", description);
        Assert.Contains("model.windowSize", description);
        Assert.True(forecast.GetProperty("post").GetProperty("responses").TryGetProperty("415", out _), openApi);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")] // curl -d without -H
    public async Task ABodyNotSentAsJsonGets415WithTheContentTypeHint(string mediaType)
    {
        using var service = models.Start(models.ZipA);
        string body = JsonSerializer.Serialize(models.Request());
        var response = await service.Client.PostAsync("/forecast", new StringContent(body, Encoding.UTF8, mediaType));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(415, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("'Content-Type: application/json'", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal("Content-Type", problem.RootElement.GetProperty("field").GetString());
    }

    [Fact]
    public async Task ABrokenModelFileKeepsTheOldModelAndShowsInHealth()
    {
        using var service = models.Start(models.ZipA);
        var zip = await File.ReadAllBytesAsync(models.ZipB);
        ServiceModels.Replace(service.ModelPath, zip[..(zip.Length / 2)]);
        var degraded = await service.WaitForAsync(h => h.LastReloadError is not null, "a reload error");
        Assert.Equal("Degraded", degraded.Status);
        Assert.Contains($"'{service.ModelPath}' could not be loaded", degraded.LastReloadError!.Message);
        Assert.Equal(1, degraded.Model.Generation);
        var answer = await (await service.Client.PostAsJsonAsync("/forecast", models.Request())).Content.ReadFromJsonAsync<ForecastResponse>();
        Assert.Equal(models.ForecastA, answer!.Forecast);

        ServiceModels.Replace(service.ModelPath, zip);
        var healthy = await service.WaitForAsync(h => h.Model.Generation == 2, "generation 2");
        Assert.Equal("Healthy", healthy.Status);
        answer = await (await service.Client.PostAsJsonAsync("/forecast", models.Request())).Content.ReadFromJsonAsync<ForecastResponse>();
        Assert.Equal(models.ForecastB, answer!.Forecast);
    }

    [Fact]
    public async Task WithoutFileEventsThePollAloneReloadsAReplacedFile()
    {
        using var service = models.Start(models.ZipA, ("Forecast:WatchFileEvents", "false"));
        ServiceModels.Replace(service.ModelPath, await File.ReadAllBytesAsync(models.ZipB));
        var health = await service.WaitForAsync(h => h.Model.Generation == 2, "generation 2");
        Assert.Equal("Healthy", health.Status);
        var answer = await (await service.Client.PostAsJsonAsync("/forecast", models.Request())).Content.ReadFromJsonAsync<ForecastResponse>();
        Assert.Equal(models.ForecastB, answer!.Forecast);
        Assert.Equal(2, answer.Model.Generation);
    }

    [Fact]
    public void StartingWithoutAModelNamesTheOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var e = Assert.Throws<InvalidOperationException>(() => ServiceOptions.From(configuration));
        Assert.Contains("--model PATH", e.Message);
        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["model"] = "m.zip", ["Forecast:MaxSteps"] = "0" }).Build();
        Assert.Contains("Forecast:MaxSteps is '0'", Assert.Throws<InvalidOperationException>(() => ServiceOptions.From(bad)).Message);
    }

    [Fact]
    public void TheReadmeRequestFitsTheMainSamplesModel()
    {
        string path = Path.Combine(Samples.ProcessRunner.RepositoryRoot(), "samples", "ForecastService", "request.json");
        var request = JsonSerializer.Deserialize<ForecastRequest>(File.ReadAllText(path), JsonSerializerOptions.Web)!;
        // The main sample's default model: ForecastByLstm("DAX", windowSize: 12) (samples/StockForecast/SampleOptions.cs).
        var sampleModel = new SeriesWindowing("Window", new[] { "DAX" }, WindowSize: 12, TargetIndex: 0, Horizon: 1);
        Assert.Empty(ForecastRequestValidator.Validate(request, sampleModel, maxSteps: 1000));
        Assert.Equal(5, request.Steps);
        Assert.Equal(5473.72, request.Series!["DAX"]![^1]); // the last row of data/eustockmarkets.csv
    }
}
