using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;

namespace ForecastService;

/// <summary>The service's endpoints: <c>POST /forecast</c> and <c>GET /health</c>.</summary>
public static class ForecastEndpoints
{
    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // "NaN" reaches validation and is named there
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,        // a misspelt field is an error, not ignored
    };

    /// <summary>Maps the endpoints with their OpenAPI descriptions.</summary>
    public static void Map(WebApplication app)
    {
        app.MapPost("/forecast", ForecastAsync)
            .WithName("Forecast")
            .WithSummary("Forecast the target column for the steps after a series.")
            .WithDescription("Body (Content-Type: application/json): {\"series\": {\"<column>\": [values, oldest first], ...}, \"steps\": N}. " +
                "The series must have exactly the served model's columns and at least its window size of values per column " +
                "(GET /health: model.columns, model.windowSize), equal lengths, finite values; only the last window is used. " +
                "steps is optional: default 1, at most Forecast:MaxSteps. " +
                "400: problem details whose 'errors' name each bad field; 413: body over Forecast:MaxRequestBodyBytes; " +
                "415: the body is not sent as application/json; 422: the model cannot forecast this series (the detail says why).")
            .Accepts<ForecastRequest>("application/json")
            .Produces<ForecastResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        app.MapGet("/health", (ModelHost host, ServiceOptions options) => Health(host, options))
            .WithName("Health")
            .WithSummary("The model being served, the last reload error, and the request limits.")
            .Produces<HealthResponse>();
    }

    private static HealthResponse Health(ModelHost host, ServiceOptions options)
    {
        var error = host.LastReloadError;
        return new HealthResponse(error is null ? "Healthy" : "Degraded", options.ModelPath, ModelInfo.Of(host.Current), error,
            host.RetiredGenerationsInUse, options.MaxSteps, options.MaxRequestBodyBytes);
    }

    private static async Task<IResult> ForecastAsync(HttpContext context, ModelHost host, ServiceOptions options)
    {
        var (body, tooLarge) = await ReadBodyAsync(context, options.MaxRequestBodyBytes);
        if (tooLarge is not null)
            return tooLarge;
        ForecastRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<ForecastRequest>(body, RequestJson);
        }
        catch (JsonException e)
        {
            string field = FieldOf(e.Path);
            return Invalid(field, $"is not valid: {e.Message.Split(" Path:")[0]} Send {{\"series\": {{\"<column>\": [numbers]}}, \"steps\": N}} as JSON.");
        }
        if (request is null)
            return Invalid("body", "is empty or null; send {\"series\": {\"<column>\": [numbers]}, \"steps\": N} as JSON.");

        using var lease = host.Acquire();
        var generation = lease.Generation;
        var errors = ForecastRequestValidator.Validate(request, generation.Windowing, options.MaxSteps);
        if (errors.Count > 0)
            return Results.ValidationProblem(errors, title: "The forecast request is invalid.", detail: string.Join(" ", errors.Select(e => $"{e.Key} {e.Value[0]}")));
        int steps = request.Steps ?? 1;
        float[] forecast;
        WindowScore first;
        try
        {
            var lastWindow = ForecastRequestValidator.LastWindow(request, generation.Windowing);
            // The model's own output for the last true window first: a window it cannot score is named with the model's
            // normalisation and the window's values (the recursion's own check can only guess at the cause).
            first = generation.ScoreWindow(lastWindow);
            int unscorable = Array.FindIndex(first.Score, 0, Math.Min(steps, first.Score.Length), v => !float.IsFinite(v));
            if (unscorable >= 0)
            {
                return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The model cannot score this series.",
                    detail: UnscorableWindow.Describe(request, generation.Windowing, generation.Normalization, first.Score[unscorable]),
                    extensions: new Dictionary<string, object?> { ["field"] = "series" });
            }
            forecast = generation.Forecast(lastWindow, steps).Segments[0].Values;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // What the library refuses beyond the checks above (e.g. its own bound on steps) is the request's problem,
            // with the library's message, not a bare 500.
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The model cannot forecast this request.",
                detail: e.Message);
        }
        int bad = Array.FindIndex(forecast, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The forecast is not finite.",
                detail: $"The recursive forecast became {forecast[bad]} at step {bad + 1}; ask for fewer than {bad + 1} steps.",
                extensions: new Dictionary<string, object?> { ["field"] = "steps" });
        }
        // A band only where every step is predicted directly from the true window (steps within the horizon).
        bool banded = steps <= generation.Windowing.Horizon && first.LowerBound is not null && first.UpperBound is not null;
        return Results.Ok(new ForecastResponse(generation.Windowing.TargetColumnName, forecast,
            banded ? first.LowerBound![..steps] : null, banded ? first.UpperBound![..steps] : null, ModelInfo.Of(generation)));
    }

    /// <summary>A JSON path as a field name: <c>$.series['DAX'][3]</c> → <c>series.DAX[3]</c>; the root → <c>body</c>.</summary>
    private static string FieldOf(string? path)
    {
        string field = Regex.Replace(path ?? "", @"\['([^']*)'\]", ".$1").TrimStart('$', '.');
        return field.Length == 0 ? "body" : field;
    }

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = new[] { message } },
            title: "The forecast request is invalid.", detail: $"{field} {message}");

    /// <summary>Reads the body up to the limit; a longer one gives a 413 problem (declared length or counted bytes).</summary>
    private static async Task<(byte[] Body, IResult? TooLarge)> ReadBodyAsync(HttpContext context, long limit)
    {
        var tooLarge = Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.",
            detail: $"The body is over {limit} bytes (Forecast:MaxRequestBodyBytes). Send only the last window of the series, or raise the limit.",
            extensions: new Dictionary<string, object?> { ["field"] = "body" });
        if (context.Request.ContentLength > limit)
            return (Array.Empty<byte>(), tooLarge);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit + 1;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                    return (Array.Empty<byte>(), tooLarge);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (Array.Empty<byte>(), tooLarge);
        }
        return (buffer.ToArray(), null);
    }
}
