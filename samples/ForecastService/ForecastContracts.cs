using System.ComponentModel;

namespace ForecastService;

/// <summary>
/// Body of <c>POST /forecast</c>: the recent history of every input column of the model, oldest first, and how many
/// steps to forecast after the last one. Example: <c>{"series": {"DAX": [1628.75, 1613.63, ...], "SMI": [...]}, "steps": 5}</c>.
/// </summary>
public sealed class ForecastRequest
{
    /// <summary>
    /// Column name → values, one per time step, oldest first. Exactly the model's input columns (see <c>GET /health</c>),
    /// all of the same length, at least the model's window size; only the last window is used. Values must be finite
    /// numbers (no null, NaN or Infinity).
    /// </summary>
    [Description("Column name → values, oldest first: exactly the served model's columns (GET /health: model.columns), each with at least " +
        "its window size of values (model.windowSize), all of the same length, finite numbers. Only the last window is used.")]
    public Dictionary<string, double?[]?>? Series { get; set; }

    /// <summary>Steps to forecast after the last value, from 1 to the service's <c>Forecast:MaxSteps</c> (default 1,000); optional, default 1.</summary>
    [DefaultValue(1)]
    [Description("Steps to forecast after the last value: optional, default 1; at most the service's Forecast:MaxSteps (GET /health: maxSteps).")]
    public int? Steps { get; set; }
}

/// <summary>Answer of <c>POST /forecast</c>.</summary>
/// <param name="Target">The forecast column.</param>
/// <param name="Forecast">The target's forecast for the <c>steps</c> steps after the series, in the series' units. The
/// other columns are held at their last value while the forecast is fed back (CovariatePolicy.HoldLastValue).</param>
/// <param name="LowerBound">Lower bound per step when the model gives prediction intervals (<c>LowerBound</c>/<c>UpperBound</c>
/// columns) and <c>steps</c> is at most its horizon, i.e. every step is predicted directly from the true window, which
/// is what the band is calibrated for; null otherwise (point models, or a recursive forecast past the horizon).</param>
/// <param name="UpperBound">Upper bound per step, under the same rule as <paramref name="LowerBound"/>.</param>
/// <param name="Model">The model generation that computed the whole answer.</param>
public sealed record ForecastResponse(string Target, float[] Forecast, float[]? LowerBound, float[]? UpperBound, ModelInfo Model);

/// <summary>The model a generation serves.</summary>
/// <param name="Generation">1 for the model loaded at start-up, one more per reload.</param>
/// <param name="Sha256">SHA-256 of the zip that was loaded.</param>
/// <param name="LoadedAt">When it was loaded.</param>
/// <param name="Columns">The input columns a request's <c>series</c> must have.</param>
/// <param name="Target">The forecast column.</param>
/// <param name="WindowSize">The fewest values per column a request must send.</param>
/// <param name="Horizon">Steps the model predicts per window.</param>
public sealed record ModelInfo(int Generation, string Sha256, DateTimeOffset LoadedAt, string[] Columns, string Target, int WindowSize, int Horizon)
{
    internal static ModelInfo Of(ModelGeneration g) => new(g.Number, g.Stamp.Sha256, g.LoadedAt,
        g.Windowing.FeatureColumnNames, g.Windowing.TargetColumnName, g.Windowing.WindowSize, g.Windowing.Horizon);
}

/// <summary>Answer of <c>GET /health</c>.</summary>
/// <param name="Status"><c>Healthy</c>, or <c>Degraded</c> when the last reload of the model file failed (the previous model keeps serving).</param>
/// <param name="ModelPath">The watched model file.</param>
/// <param name="Model">The model serving new requests.</param>
/// <param name="LastReloadError">Why the last reload failed; null when it succeeded or none was tried.</param>
/// <param name="RetiredGenerationsInUse">Replaced models still finishing requests.</param>
/// <param name="MaxSteps">The most steps a request may ask for.</param>
/// <param name="MaxRequestBodyBytes">The largest request body accepted.</param>
public sealed record HealthResponse(string Status, string ModelPath, ModelInfo Model, ReloadError? LastReloadError,
    int RetiredGenerationsInUse, int MaxSteps, long MaxRequestBodyBytes);
