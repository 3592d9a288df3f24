namespace MLNet.Lstm;

/// <summary>
/// The seasonal structure of a network: with a period m ≥ 1 the recurrent layers read the seasonal differences of the
/// window (<see cref="Input"/>) and each step's output gets the seasonal-naive value of the target added (in normalised
/// units). <see cref="None"/> (period 0) is the plain network. See docs/trainer.md, "Seasonal period".
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
    /// The window steps the seasonal skip reads for forecast steps k = 0 .. h−1: <c>T − m + (k mod m)</c>, the last
    /// observed value of step k's season (for k &lt; m the value one period before; beyond the period the same season's
    /// last observation again, as seasonal naive forecasts every horizon).
    /// </summary>
    public long[] NaiveSteps(int windowSize, int horizon)
    {
        var steps = new long[horizon];
        for (int k = 0; k < horizon; k++)
            steps[k] = windowSize - Period + k % Period;
        return steps;
    }

    /// <summary>
    /// Checks that a network of window <paramref name="windowSize"/> can have this structure (T ≥ m + 2 so the layers
    /// read at least 2 steps); any horizon works (<see cref="NaiveSteps"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">It cannot; the message names <c>SeasonalPeriod</c>, the values and the fix.</exception>
    public void Validate(int windowSize, int horizon)
    {
        if (!IsOn)
            return;
        if (!Enum.IsDefined(Input))
            throw new ArgumentOutOfRangeException("SeasonalInput", Input, $"SeasonalInput must be one of {string.Join(", ", Enum.GetNames<SeasonalNetworkInput>())}.");
        if (horizon < 1)
            throw new ArgumentOutOfRangeException("horizon", horizon, $"The horizon must be at least 1, but is {horizon}.");
        if (windowSize < Period + 2)
            throw new ArgumentOutOfRangeException("SeasonalPeriod", Period,
                $"SeasonalPeriod {Period} needs a window of at least {Period + 2} steps (period + 2, so the layers read at least 2 seasonal differences), but the window has {windowSize}. " +
                $"Use a window of at least {Period + 2} steps (two seasons is a good start: {2 * Period}), or SeasonalPeriod = 0.");
    }
}
