namespace MLNet.Lstm;

/// <summary>The result of <c>mlContext.Forecasting.Backtest</c>: every fold and the metrics over them.</summary>
public sealed partial class BacktestResult
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

    /// <summary>
    /// The folds in time order; with several series, by start and then by series key in the order of the data (all
    /// series' folds at one start come from the same model).
    /// </summary>
    public IReadOnlyList<BacktestFold> Folds { get; }

    /// <summary>
    /// Metrics over every step of every fold: <see cref="ForecastingMetrics.PerStep"/> entry k is step k + 1 over all
    /// folds; the persistence baseline forecasts every step with the fold's <see cref="BacktestFold.LastObserved"/>;
    /// interval metrics when the model has bounds. With several series these are pooled over every fold of every series,
    /// and <see cref="ForecastingMetrics.PerSeries"/> holds each series key's metrics (as <c>mlContext.Forecasting.Evaluate</c>
    /// reports them); each fold's persistence baseline is the last observed value of its own series.
    /// </summary>
    public ForecastingMetrics Metrics { get; }

    /// <summary>The metrics of step h alone over all folds (Darts' <c>last_points_only</c>); per series as <see cref="Metrics"/>.</summary>
    public ForecastingMetrics LastPoints { get; }

    /// <summary>How many times the pipeline was fitted.</summary>
    public int Fits { get; }

    /// <summary>True when the folds were forecast recursively (the model's horizon is below the backtest's).</summary>
    public bool Recursive { get; }

    /// <summary>The windowing read from the fitted pipeline.</summary>
    public SeriesWindowing Windowing { get; }

    /// <summary>
    /// With several series: the keys of the series too short for any fold (fewer than <c>Start + Horizon</c> rows, or,
    /// for a model with known-future covariates, fewer than <c>Start</c> + the steps whose covariates the forecast
    /// reads), in the order of the data; they take no part in the metrics. Empty otherwise.
    /// </summary>
    public IReadOnlyList<string> SkippedSeries { get; internal init; } = Array.Empty<string>();
}
