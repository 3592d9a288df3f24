using Microsoft.ML;

namespace MLNet.Lstm;

/// <summary>
/// Options of the one call for one or many series, <c>mlContext.Forecasting.ForecastByLstm(options)</c>: the columns,
/// the horizon, and what bounds and reports the search of the configuration (docs/trainer.md, "The one call").
/// </summary>
public sealed class ForecastByLstmOptions
{
    /// <summary>The column to forecast (Single). Required.</summary>
    public string TargetColumnName { get; set; } = "";

    /// <summary>
    /// The series key column (text or integer) of a table of several series, each series' rows contiguous and in time
    /// order; one network is trained over all of them. Null (the default): the data is one series.
    /// </summary>
    public string? SeriesColumnName { get; set; }

    /// <summary>h, the number of steps the model forecasts at once (a direct multi-step output); default 1.</summary>
    public int Horizon { get; set; } = 1;

    /// <summary>
    /// T, the number of past steps the model reads; 0 (the default): chosen by the estimator's validation among two
    /// lengths (docs/trainer.md, "The one call"). A positive value (at least 2) fixes it.
    /// </summary>
    public int WindowSize { get; set; }

    /// <summary>The window's input columns (Single); null: the target alone. Must contain the target.</summary>
    public string[]? InputColumnNames { get; set; }

    /// <summary>The seed of every candidate's and the final model's initial weights, dropout and shuffles.</summary>
    public int Seed { get; set; }

    /// <summary>
    /// The context whose log receives the search's messages (each candidate, its validation error, the choice) and the
    /// trainers' messages (source <c>LstmForecastingTrainer</c>); null (the default): no messages.
    /// </summary>
    public MLContext? Context { get; set; }

    /// <summary>Receives one report per candidate when its validation error is known (or it is skipped), and one for the final fit.</summary>
    public IProgress<ForecastByLstmProgress>? Progress { get; set; }

    /// <summary>Cancels the fit (checked before every training batch and between candidates): <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// Bounds the search: once this much time has passed since <c>Fit</c> began, no further candidate is started (the
    /// first is always trained) and the best one so far is kept; the final fit on all data comes after. Null: every
    /// candidate is tried. Default 5 minutes.
    /// </summary>
    public TimeSpan? TimeBudget { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks the options (column names, horizon, window, budget), naming the option, its value and the rule.</summary>
    /// <exception cref="ArgumentException">An option breaks its rule.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(TargetColumnName))
            throw new ArgumentException("TargetColumnName must name the column to forecast, but is empty.", nameof(TargetColumnName));
        if (SeriesColumnName is not null && string.IsNullOrWhiteSpace(SeriesColumnName))
            throw new ArgumentException("SeriesColumnName must be null (one series) or name the series key column, but is empty.", nameof(SeriesColumnName));
        if (Horizon < 1)
            throw new ArgumentOutOfRangeException(nameof(Horizon), Horizon, "Horizon must be at least 1 step.");
        if (WindowSize is < 0 or 1)
            throw new ArgumentOutOfRangeException(nameof(WindowSize), WindowSize, "WindowSize must be 0 (chosen by validation) or at least 2 steps.");
        if (TimeBudget is { } budget && budget <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(TimeBudget), budget, "TimeBudget must be positive, or null to try every candidate.");
        var inputs = InputColumnNames ?? new[] { TargetColumnName };
        if (inputs.Length == 0 || !inputs.Contains(TargetColumnName, StringComparer.Ordinal))
            throw new ArgumentException(
                $"InputColumnNames [{string.Join(", ", inputs)}] must contain the target column '{TargetColumnName}' (the model reads its past values); " +
                "add it, or pass null for the target alone.", nameof(InputColumnNames));
        if (SeriesColumnName is not null && inputs.Contains(SeriesColumnName, StringComparer.Ordinal))
            throw new ArgumentException($"InputColumnNames contains the series key column '{SeriesColumnName}'; the key is not an input: remove it.", nameof(InputColumnNames));
    }
}
