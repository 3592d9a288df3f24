namespace MLNet.Lstm.Search;

/// <summary>
/// The training settings of the one call's candidates and final fit (docs/trainer.md, "The one call"): one LSTM layer,
/// Adam, early stopping on the hold-out windows with the best epoch's weights restored, one torch thread. Internal so
/// that tests can shorten the fits.
/// </summary>
internal sealed record ForecastByLstmSearchSettings
{
    /// <summary>The hidden size of the single layer for one series.</summary>
    public int HiddenSizeOneSeries { get; init; } = 32;

    /// <summary>The hidden size of the single layer for several series.</summary>
    public int HiddenSizeManySeries { get; init; } = 64;

    /// <summary>The most epochs a candidate trains.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Early stopping: epochs without improvement of the hold-out loss.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>The batch is the training windows / this, clamped to [<see cref="MinBatchSize"/>, <see cref="MaxBatchSize"/>].</summary>
    public int BatchesPerEpoch { get; init; } = 50;

    /// <summary>The smallest batch.</summary>
    public int MinBatchSize { get; init; } = 32;

    /// <summary>The largest batch.</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>The seed ensemble of the final model.</summary>
    public int FinalEnsembleSize { get; init; } = 6;

    /// <summary>The hold-out has at least this many windows over all series when the series are long enough (see <see cref="HoldOutPlan"/>).</summary>
    public int MinValidationWindows { get; init; } = 20;

    /// <summary>One series: the final fit's most epochs.</summary>
    public int OneSeriesFinalEpochs { get; init; } = 200;

    /// <summary>One series: the final fit's validation windows (the last fraction), for early stopping.</summary>
    public float OneSeriesValidationFraction { get; init; } = 0.2f;

    /// <summary>One series: the final fit's early-stopping patience.</summary>
    public int OneSeriesFinalPatience { get; init; } = 20;

    /// <summary>The batch size for <paramref name="windows"/> training windows.</summary>
    public int BatchSizeFor(long windows) => (int)Math.Clamp(windows / BatchesPerEpoch, MinBatchSize, MaxBatchSize);
}
