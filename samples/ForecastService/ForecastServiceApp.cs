namespace ForecastService;

/// <summary>Builds the service: options, the model host (loaded once, at start-up), the file watcher, endpoints, OpenAPI.</summary>
public static class ForecastServiceApp
{
    /// <summary>Builds the application; the model is loaded here, so a bad <c>--model</c> fails before the server starts.</summary>
    /// <param name="args">Command-line arguments: <c>--model PATH</c>, ASP.NET Core's <c>--urls</c>, <c>--Forecast:MaxSteps N</c>, ...</param>
    /// <param name="configure">Extra configuration of the builder (the benchmark uses it; null for none).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // One line per model load or reload, not per request (configuration such as --Logging:LogLevel:Default can still change it).
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(sp => ServiceOptions.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddHostedService<ModelFileWatcher>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = UnsupportedMediaTypeHint.Add);
        builder.Services.AddOpenApi();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.Services.GetRequiredService<ModelHost>(); // load the model now: fail fast, serve the first request warm
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        ForecastEndpoints.Map(app);
        return app;
    }
}
