namespace MLNet.Lstm;

/// <summary>A progress report of a backtest, sent to <see cref="BacktestOptions.Progress"/> after each fold.</summary>
/// <param name="CompletedFolds">Folds forecast so far.</param>
/// <param name="TotalFolds">Folds in the backtest.</param>
/// <param name="Fits">Fits of the pipeline so far.</param>
/// <param name="FoldStart">Start row of the fold just completed.</param>
public sealed record BacktestProgress(int CompletedFolds, int TotalFolds, int Fits, int FoldStart);
