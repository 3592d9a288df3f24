namespace MLNet.Lstm.Training;

/// <summary>The architecture of the network a fit trains, to create it (again) from a checkpoint.</summary>
internal sealed record LstmNetworkShape(int WindowSize, int FeatureCount, int Horizon, int[] HiddenSizes, float Dropout,
    RecurrentCell Cell = RecurrentCell.Lstm, int FutureSize = 0)
{
    /// <summary>
    /// The architecture hash a checkpoint sidecar records (<see cref="LstmCheckpointInfo.HashOf"/>), with
    /// <c>-Gru</c> for a GRU, <c>-Fut{h·C}</c> with future covariates, <c>-Q{levels}</c> for a quantile head and
    /// <c>-S{m}</c> (seasonal differences), <c>-S{m}L</c> (levels and differences) or <c>-S{m}Z</c> (standardised
    /// differences) with a seasonal period (an LSTM
    /// point model without them keeps the hash it had before these existed, so its checkpoints still resume).
    /// </summary>
    public string ArchitectureHash => LstmCheckpointInfo.HashOf(WindowSize, FeatureCount, Horizon, HiddenSizes)
        + (Cell == RecurrentCell.Lstm ? "" : "-" + Cell) + (FutureSize > 0 ? $"-Fut{FutureSize}" : "")
        + (QuantileLevels is null ? "" : $"-Q{new LstmIntervalHead(QuantileLevels, null, null).LevelsText}") // a quantile head (issue 9)
        + (Seasonality.IsOn ? $"-S{Seasonality.Period}" + (Seasonality.Input switch { SeasonalNetworkInput.LevelsAndDifferences => "L", SeasonalNetworkInput.StandardizedDifferences => "Z", _ => "" }) : "");

    /// <summary>The network of <paramref name="o"/> on the windows of <paramref name="cols"/>, with <paramref name="seasonality"/>.</summary>
    public static LstmNetworkShape Of(LstmForecastingTrainer.Options o, LstmColumns cols, LstmSeasonality seasonality) =>
        new(cols.WindowSize, cols.FeatureCount, cols.Horizon, o.HiddenSizes.ToArray(), o.Dropout, o.Cell, cols.FutureSize)
        {
            QuantileLevels = LstmIntervalHead.LevelsOf(o.Quantiles),
            Seasonality = seasonality,
            TargetIndex = cols.TargetIndex,
            LossSeasonalLag = LstmLosses.SeasonalLag(seasonality.Period, cols.WindowSize),
        };

    public LstmNetwork CreateNetwork() => new(FeatureCount, HiddenSizes, Dropout, Horizon, Cell, FutureSize, QuantileLevels, Seasonality, TargetIndex);

    /// <summary>The seasonal differences and skip (<see cref="LstmSeasonality.None"/>: the plain network).</summary>
    public LstmSeasonality Seasonality { get; init; } = LstmSeasonality.None;

    /// <summary>The target's index among the window's features (read by the seasonal skip).</summary>
    public int TargetIndex { get; init; }

    /// <summary>The quantile levels of a quantile head (0.5 included), or null for a point model.</summary>
    public float[]? QuantileLevels { get; init; }

    /// <summary>
    /// The lag m of <see cref="LstmLoss.Mase"/>'s in-sample seasonal-naive scale: the fit's seasonal period (the given
    /// or detected one, also for the plain candidate of a seasonal choice), else 1. Not part of the architecture.
    /// </summary>
    public int LossSeasonalLag { get; init; } = 1;
}
