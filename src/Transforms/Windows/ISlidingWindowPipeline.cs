namespace MLNet.Lstm;

/// <summary>
/// An estimator that wraps a chain starting with <c>SlidingWindow</c> and chooses the window at <c>Fit</c> (the one
/// call): it tells <c>Backtest</c> before fitting the windowing it will fit (series key, horizon, covariates; the window
/// length may be a placeholder), as an <c>EstimatorChain</c> does through its first step.
/// </summary>
internal interface ISlidingWindowPipeline
{
    /// <summary>The options of the <c>SlidingWindow</c> the pipeline fits (its window length may be chosen at <c>Fit</c>).</summary>
    SlidingWindowEstimator.Options SlidingWindowSettings { get; }
}
