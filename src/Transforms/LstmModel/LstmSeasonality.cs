namespace MLNet.Lstm;

/// <summary>
/// The seasonal structure of a network (issue 11 follow-up, docs/design.md "Seasonal skip"): with a period m ≥ 1 the
/// recurrent layers read the seasonal differences of the window (<see cref="Input"/>) and the head's output gets the
/// seasonal-naive value of the target column added, <c>out[k] = head[k] + x[T − m + k, target]</c> for every quantile of
/// step k (all in normalised units; with <see cref="SeasonalNetworkInput.StandardizedDifferences"/>
/// <c>out[k] = x[T − m + k, target] + μ_target + σ_target · head[k]</c>). <see cref="None"/> (period 0) is the plain network.
/// </summary>
/// <param name="Period">The seasonal period m, or 0 for none.</param>
/// <param name="Input">What the layers read (ignored without a period; <see cref="SeasonalNetworkInput.Differences"/> then).</param>
internal sealed record LstmSeasonality(int Period, SeasonalNetworkInput Input)
{
    /// <summary>No seasonal structure: the plain network.</summary>
    public static readonly LstmSeasonality None = new(0, SeasonalNetworkInput.Differences);

    /// <summary>Whether the network has the seasonal differences and skip.</summary>
    public bool IsOn => Period > 0;

    /// <summary>The number of features per step the first recurrent layer reads: F, or 2F for levels and differences.</summary>
    public int LayerInputSize(int featureCount) =>
        IsOn && Input == SeasonalNetworkInput.LevelsAndDifferences ? 2 * featureCount : featureCount;

    /// <summary>The number of steps the recurrent layers read: T, or T − m.</summary>
    public int LayerSteps(int windowSize) => IsOn ? windowSize - Period : windowSize;

    /// <summary>A short text for messages and hashes, e.g. <c>m=12 Differences</c>, or <c>none</c>.</summary>
    public override string ToString() => IsOn ? $"m={Period} {Input}" : "none";

    /// <summary>
    /// Checks that a network of window <paramref name="windowSize"/> and horizon <paramref name="horizon"/> can have
    /// this structure (h ≤ m so the skip reads observed values, T ≥ m + 2 so the layers read at least 2 steps).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">It cannot; the message names <c>SeasonalPeriod</c>, the values and the fix.</exception>
    public void Validate(int windowSize, int horizon)
    {
        if (!IsOn)
            return;
        if (!Enum.IsDefined(Input))
            throw new ArgumentOutOfRangeException("SeasonalInput", Input, $"SeasonalInput must be one of {string.Join(", ", Enum.GetNames<SeasonalNetworkInput>())}.");
        if (horizon > Period)
            throw new ArgumentOutOfRangeException("SeasonalPeriod", Period,
                $"SeasonalPeriod {Period} is shorter than the horizon {horizon}: the seasonal skip adds the value one period before each forecast step, which must be inside the window (horizon ≤ SeasonalPeriod). " +
                "Use a horizon of at most the period (forecast further recursively with SeriesForecaster or Backtest), or SeasonalPeriod = 0.");
        if (windowSize < Period + 2)
            throw new ArgumentOutOfRangeException("SeasonalPeriod", Period,
                $"SeasonalPeriod {Period} needs a window of at least {Period + 2} steps (period + 2, so the layers read at least 2 seasonal differences), but the window has {windowSize}. " +
                $"Use a window of at least {Period + 2} steps (two seasons is a good start: {2 * Period}), or SeasonalPeriod = 0.");
    }
}
