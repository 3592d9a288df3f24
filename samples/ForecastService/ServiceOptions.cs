using System.Globalization;

namespace ForecastService;

/// <summary>
/// Settings of the service, read from configuration: <c>--model PATH</c> on the command line (or <c>Forecast:ModelPath</c>),
/// and the <c>Forecast</c> section (command line <c>--Forecast:MaxSteps 50</c>, or environment variables such as
/// <c>Forecast__MaxSteps=50</c>).
/// </summary>
public sealed class ServiceOptions
{
    /// <summary>The model zip (a fitted <c>SlidingWindow → ... → Lstm</c> chain saved with <c>mlContext.Model.Save</c>).</summary>
    public string ModelPath { get; init; } = "";

    /// <summary>The most steps one request may ask for (default 1,000).</summary>
    public int MaxSteps { get; init; } = 1000;

    /// <summary>The largest request body in bytes (default 1 MiB); a larger body gets 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 1 << 20;

    /// <summary>Forecasters kept in each model generation's pool (default: 2 × processor count).</summary>
    public int PoolSize { get; init; } = 2 * Environment.ProcessorCount;

    /// <summary>Quiet time after the last change of the model file before it is reloaded (default 250 ms).</summary>
    public TimeSpan ReloadDebounce { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the model file's timestamp and length are polled, in case a file event is missed (default 2 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether file-system events are watched (default true); false leaves only the poll, e.g. on network file systems
    /// that raise no events.
    /// </summary>
    public bool WatchFileEvents { get; init; } = true;

    /// <summary>Reads the options; a missing model path or a bad value throws with the setting's name and the fix.</summary>
    public static ServiceOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Forecast");
        string? model = configuration["model"] ?? section["ModelPath"];
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new InvalidOperationException(
                "No model: start the service with --model PATH (a model zip saved by the StockForecast sample, e.g. out/stock-forecast/model.zip).");
        }
        var defaults = new ServiceOptions();
        return new ServiceOptions
        {
            ModelPath = Path.GetFullPath(model),
            MaxSteps = (int)Number(section, nameof(MaxSteps), defaults.MaxSteps, 1, 1_000_000),
            MaxRequestBodyBytes = Number(section, nameof(MaxRequestBodyBytes), defaults.MaxRequestBodyBytes, 1024, int.MaxValue),
            PoolSize = (int)Number(section, nameof(PoolSize), defaults.PoolSize, 1, 1024),
            ReloadDebounce = TimeSpan.FromMilliseconds(Number(section, "ReloadDebounceMilliseconds", 250, 0, 60_000)),
            PollInterval = TimeSpan.FromMilliseconds(Number(section, "PollIntervalMilliseconds", 2000, 10, 3_600_000)),
            WatchFileEvents = Flag(section, nameof(WatchFileEvents), defaults.WatchFileEvents),
        };
    }

    private static bool Flag(IConfigurationSection section, string key, bool fallback)
    {
        string? text = section[key];
        if (text is null)
            return fallback;
        return bool.TryParse(text, out bool value)
            ? value
            : throw new InvalidOperationException($"Setting Forecast:{key} is '{text}'; it must be true or false.");
    }

    private static long Number(IConfigurationSection section, string key, long fallback, long min, long max)
    {
        string? text = section[key];
        if (text is null)
            return fallback;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value >= min && value <= max)
            return value;
        throw new InvalidOperationException($"Setting Forecast:{key} is '{text}'; it must be a whole number from {min} to {max}.");
    }
}
