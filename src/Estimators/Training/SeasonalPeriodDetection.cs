namespace MLNet.Lstm.Training;

/// <summary>The period <see cref="SeasonalPeriodDetector"/> found (0 for none) and its autocorrelation (the largest one seen when none).</summary>
/// <param name="Period">The seasonal period m, or 0 when the windows show no seasonality.</param>
/// <param name="Autocorrelation">The pooled autocorrelation of the first differences at <paramref name="Period"/>; without a period, the largest at any candidate lag (NaN when there is none).</param>
/// <param name="BestLag">The lag of <paramref name="Autocorrelation"/> (0 when there is none).</param>
internal sealed record SeasonalPeriodDetection(int Period, double Autocorrelation, int BestLag);
