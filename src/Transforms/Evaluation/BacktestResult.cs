namespace MLNet.Lstm;

/// <summary>The result of <c>mlContext.Forecasting.Backtest</c>: every fold and the metrics over them.</summary>
public sealed class BacktestResult
{
    internal BacktestResult(IReadOnlyList<BacktestFold> folds, ForecastingMetrics metrics, ForecastingMetrics lastPoints,
        int fits, bool recursive, SeriesWindowing windowing)
    {
        Folds = folds;
        Metrics = metrics;
        LastPoints = lastPoints;
        Fits = fits;
        Recursive = recursive;
        Windowing = windowing;
    }

    /// <summary>The folds in time order.</summary>
    public IReadOnlyList<BacktestFold> Folds { get; }

    /// <summary>
    /// Metrics over every step of every fold: <see cref="ForecastingMetrics.PerStep"/> entry k is step k + 1 over all
    /// folds; the persistence baseline forecasts every step with the fold's <see cref="BacktestFold.LastObserved"/>;
    /// interval metrics when the model has bounds.
    /// </summary>
    public ForecastingMetrics Metrics { get; }

    /// <summary>The metrics of step h alone over all folds (Darts' <c>last_points_only</c>).</summary>
    public ForecastingMetrics LastPoints { get; }

    /// <summary>How many times the pipeline was fitted.</summary>
    public int Fits { get; }

    /// <summary>True when the folds were forecast recursively (the model's horizon is below the backtest's).</summary>
    public bool Recursive { get; }

    /// <summary>The windowing read from the fitted pipeline.</summary>
    public SeriesWindowing Windowing { get; }
}
