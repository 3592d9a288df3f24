namespace MLNet.Lstm;

/// <summary>
/// What the recurrent layers of a seasonal LSTM read (<c>LstmForecastingTrainer.Options.SeasonalInput</c>, only with a
/// <c>SeasonalPeriod</c>): for a window x <c>[T, F]</c> and period m, the seasonal differences
/// <c>d[t] = x[t] − x[t−m]</c> for t = m .. T−1.
/// </summary>
public enum SeasonalNetworkInput
{
    /// <summary>The layers read the T − m seasonal differences <c>d[t]</c> alone (F features per step).</summary>
    Differences = 0,

    /// <summary>The layers read <c>x[t] ‖ d[t]</c> for t = m .. T−1 (2F features per step: the levels, then the differences).</summary>
    LevelsAndDifferences = 1,

    /// <summary>
    /// The layers read the differences standardised per window and column, <c>(d[t, f] − μ_f) / σ_f</c> (μ_f and σ_f the
    /// mean and population standard deviation of the column's T − m differences in the window, σ_f = 1 when 0; F
    /// features per step), and the head's output is scaled back: <c>out[k] = x[T − m + (k mod m), c] + μ_c + σ_c · head[k]</c>
    /// (c the target). A zero head is the seasonal naive forecast plus the window's mean seasonal change (a drift).
    /// </summary>
    StandardizedDifferences = 2,
}
