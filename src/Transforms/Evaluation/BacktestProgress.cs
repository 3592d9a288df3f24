namespace MLNet.Lstm;

/// <summary>A progress report of a backtest, sent to <see cref="BacktestOptions.Progress"/> after each fold.</summary>
/// <param name="CompletedFolds">Folds forecast so far.</param>
/// <param name="TotalFolds">Folds in the backtest.</param>
/// <param name="Fits">Fits of the pipeline so far.</param>
/// <param name="FoldStart">Start row of the fold just completed (within its series).</param>
public sealed record BacktestProgress(int CompletedFolds, int TotalFolds, int Fits, int FoldStart)
{
    /// <summary>The series key of the fold just completed, or null for a pipeline of one series.</summary>
    public string? SeriesKey { get; init; }
}
