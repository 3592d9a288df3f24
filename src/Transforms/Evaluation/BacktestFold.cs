namespace MLNet.Lstm;

/// <summary>
/// One fold of a backtest: the forecast of rows <c>Start .. Start + h - 1</c> from the rows before them. With several
/// series (<see cref="SeriesKey"/> not null) the row indices count within that series.
/// </summary>
public sealed class BacktestFold
{
    internal BacktestFold(int start, int trainingEnd, float lastObserved, float[] forecast, float[] actual, float[]? lowerBound, float[]? upperBound,
        string? seriesKey)
    {
        SeriesKey = seriesKey;
        Start = start;
        TrainingEnd = trainingEnd;
        LastObserved = lastObserved;
        Forecast = forecast;
        Actual = actual;
        LowerBound = lowerBound;
        UpperBound = upperBound;
    }

    /// <summary>
    /// The fold's series key (the value of the pipeline's <c>SlidingWindow</c> <c>SeriesColumnName</c> column, as text;
    /// an integer key by its invariant decimal form), or null for a pipeline of one series.
    /// </summary>
    public string? SeriesKey { get; }

    /// <summary>Row index (0-based) of the fold's first forecast step, within its series.</summary>
    public int Start { get; }

    /// <summary>The fold's model was fitted on rows <c>[0, TrainingEnd)</c> (<c>TrainingEnd ≤ Start</c>).</summary>
    public int TrainingEnd { get; }

    /// <summary>The target's value at row <c>Start - 1</c> (of the fold's series): the persistence forecast of every step of the fold.</summary>
    public float LastObserved { get; }

    /// <summary>The h forecast values, in label units.</summary>
    public float[] Forecast { get; }

    /// <summary>The h observed values of the target at rows <c>Start .. Start + h - 1</c> (NaN where the series has NaN).</summary>
    public float[] Actual { get; }

    /// <summary>The h lower bounds of the model's interval, or null when the model has none (or the forecast is recursive).</summary>
    public float[]? LowerBound { get; }

    /// <summary>The h upper bounds of the model's interval, or null when the model has none (or the forecast is recursive).</summary>
    public float[]? UpperBound { get; }
}
