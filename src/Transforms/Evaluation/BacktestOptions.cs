namespace MLNet.Lstm;

/// <summary>
/// Parameters of a walk-forward backtest (<c>mlContext.Forecasting.Backtest</c>): where the folds start, how many steps
/// each forecasts, how far apart they are and how often the pipeline is refitted.
/// </summary>
/// <remarks>
/// Fold i starts at row <c>s = Start + i·Stride</c>, forecasts rows <c>s .. s + Horizon - 1</c> from the window of
/// rows <c>[s - T, s)</c> with a model fitted on rows before s; only complete folds are made. With a series key these
/// apply within each series (one global fit per fold start; a series too short for any fold is listed in
/// <see cref="BacktestResult.SkippedSeries"/>); with known-future covariates a fold also needs their rows. Keyed and
/// known-future backtests have no bounds. See docs/intervals-and-backtesting.md, "The folds".
/// </remarks>
public sealed class BacktestOptions
{
    /// <summary>
    /// Row index (0-based; within each series when the pipeline has a series key) of the first forecast step of the
    /// first fold. The first fit sees rows <c>[0, Start)</c> (of every series), so
    /// Start must leave the pipeline enough rows to fit: at least window size T + the model's horizon for one
    /// training window (more for the trainer's batches and validation split). Required. Start + <see cref="Horizon"/>
    /// (with known-future covariates, Start + h·ceil(Horizon / h)) must not exceed the rows of the (longest) series:
    /// otherwise, before any fit, an <see cref="ArgumentOutOfRangeException"/> names Start and its largest valid value,
    /// or Horizon and its largest valid value when no Start fits.
    /// </summary>
    public int Start { get; set; }

    /// <summary>
    /// h, the steps forecast per fold (at least 1). Default 1. Forecast directly when the model's horizon is at least
    /// h (its first h values), recursively through <see cref="SeriesForecaster"/> otherwise.
    /// </summary>
    public int Horizon { get; set; } = 1;

    /// <summary>Rows between the starts of consecutive folds (at least 1), within each series. Default 1.</summary>
    public int Stride { get; set; } = 1;

    /// <summary>
    /// 0 (default): fit once on rows <c>[0, Start)</c> and forecast every fold with that model. k ≥ 1: refit on all the
    /// rows before the fold (<c>[0, s)</c>, of every series) at fold starts 0, k, 2k, ... (counted over the starts
    /// <c>Start + i·Stride</c>, not over the folds of every series); the folds in between use the latest model.
    /// </summary>
    public int RetrainEvery { get; set; }

    /// <summary>
    /// How a recursive forecast (model horizon below <see cref="Horizon"/>) fills the input columns other than the
    /// target. <see cref="CovariatePolicy.HoldLastValue"/> (default) reads nothing at or after the fold's start;
    /// <see cref="CovariatePolicy.FromCaller"/> treats the other columns as known in advance (e.g. a calendar) and
    /// reads their values for rows <c>s .. s + Horizon - 2</c>, never the target's.
    /// </summary>
    public CovariatePolicy CovariatePolicy { get; set; } = CovariatePolicy.HoldLastValue;

    /// <summary>The model's score column (forecasts in label units). Default <c>Score</c>.</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>
    /// The model's lower bound column. When null, <c>LowerBound</c> is read if the model outputs it; a name given here
    /// must exist. Bounds are read on the direct path only (a recursive forecast has none).
    /// </summary>
    public string? LowerBoundColumnName { get; set; }

    /// <summary>The model's upper bound column; see <see cref="LowerBoundColumnName"/> (default <c>UpperBound</c> when present).</summary>
    public string? UpperBoundColumnName { get; set; }

    /// <summary>
    /// The nominal level of the model's interval (e.g. 0.9), in (0, 1), for the interval (Winkler) score of
    /// <see cref="BacktestResult.Metrics"/>; null leaves that score out. Setting it for a model without bounds is an error.
    /// </summary>
    public double? IntervalLevel { get; set; }

    /// <summary>Receives a report after each fold (folds done, folds in all, fits so far). Optional.</summary>
    public IProgress<BacktestProgress>? Progress { get; set; }

    internal void Validate()
    {
        if (Start < 1)
            throw Invalid(nameof(Start), Start, "the first fit needs rows before it: set Start to a row index of at least window size + horizon (e.g. 80% of the series' length).");
        if (Horizon < 1)
            throw Invalid(nameof(Horizon), Horizon, "each fold forecasts Horizon steps: use 1 or more.");
        if (Stride < 1)
            throw Invalid(nameof(Stride), Stride, "use 1 for a fold at every row, k for a fold every k rows.");
        if (RetrainEvery < 0)
            throw Invalid(nameof(RetrainEvery), RetrainEvery, "use 0 to fit once on the rows before Start, or k ≥ 1 to refit every k folds.");
        if (string.IsNullOrEmpty(ScoreColumnName))
            throw new ArgumentException("BacktestOptions.ScoreColumnName is empty; give the model's score column (default Score).", nameof(ScoreColumnName));
        if (IntervalLevel is double level && !(level > 0 && level < 1))
            throw new ArgumentOutOfRangeException(nameof(IntervalLevel), level, $"BacktestOptions.IntervalLevel is {level}; it must be in (0, 1), e.g. 0.9 for a 90% interval.");
    }

    private static ArgumentOutOfRangeException Invalid(string name, int value, string fix) =>
        new(name, value, $"BacktestOptions.{name} is {value}: {fix}");
}
