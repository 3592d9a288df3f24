namespace MLNet.Lstm.Benchmarks;

/// <summary>One method's accuracy over a set: mean sMAPE (%) and mean MASE over its series, and OWA against Naive2 (NaN without Naive2).</summary>
public sealed record MCompetitionScores(double Smape, double Mase, double Owa);

/// <summary>
/// The M4 competition's metrics for the m-competition suite (docs/accuracy.md, "M1 competition"):
/// sMAPE = mean over the h steps of 200·|y − f| / (|y| + |f|); MASE = mean |y − f| over the h steps divided by the
/// in-sample seasonal-naive MAE (<see cref="AccuracyMetrics.SeasonalNaiveScale"/>, lag m); both averaged over the
/// series of a set; OWA = (sMAPE / sMAPE(Naive2) + MASE / MASE(Naive2)) / 2 with the set-level means.
/// </summary>
public static class MCompetitionMetrics
{
    /// <summary>sMAPE (%) of one series' forecasts; a step where both actual and forecast are 0 counts 0.</summary>
    public static double Smape(IReadOnlyList<double> actual, IReadOnlyList<double> forecast)
    {
        CheckLengths(actual, forecast);
        double sum = 0;
        for (int h = 0; h < actual.Count; h++)
        {
            double error = Math.Abs(actual[h] - forecast[h]);
            sum += error == 0 ? 0 : 200 * error / (Math.Abs(actual[h]) + Math.Abs(forecast[h]));
        }
        return sum / actual.Count;
    }

    /// <summary>MASE of one series' forecasts, scaled by the seasonal-naive MAE (lag <paramref name="period"/>) of <paramref name="train"/>.</summary>
    public static double Mase(double[] train, IReadOnlyList<double> actual, IReadOnlyList<double> forecast, int period)
    {
        CheckLengths(actual, forecast);
        double scale = AccuracyMetrics.SeasonalNaiveScale(train, period);
        double sum = 0;
        for (int h = 0; h < actual.Count; h++)
            sum += Math.Abs(actual[h] - forecast[h]);
        return sum / actual.Count / scale;
    }

    /// <summary>
    /// Mean sMAPE and MASE over <paramref name="series"/> of the forecasts <paramref name="forecasts"/> (one array of h
    /// values per series, same order), and OWA against <paramref name="naive2"/> (NaN when it is null).
    /// </summary>
    public static MCompetitionScores Score(IReadOnlyList<MCompetitionSeries> series, IReadOnlyList<double[]> forecasts, int period,
        (double Smape, double Mase)? naive2 = null)
    {
        if (series.Count == 0 || forecasts.Count != series.Count)
            throw new ArgumentException($"{forecasts.Count} forecasts for {series.Count} series; give one forecast per series (at least one series).", nameof(forecasts));
        double smape = series.Select((s, i) => Smape(s.Test, forecasts[i])).Average();
        double mase = series.Select((s, i) => Mase(s.Train, s.Test, forecasts[i], period)).Average();
        return new MCompetitionScores(smape, mase, naive2 is { } n ? Owa(smape, mase, n.Smape, n.Mase) : double.NaN);
    }

    /// <summary>OWA: the mean of a method's sMAPE and MASE, each relative to Naive2's over the same series.</summary>
    public static double Owa(double smape, double mase, double naive2Smape, double naive2Mase) =>
        (smape / naive2Smape + mase / naive2Mase) / 2;

    private static void CheckLengths(IReadOnlyList<double> actual, IReadOnlyList<double> forecast)
    {
        if (actual.Count == 0 || forecast.Count != actual.Count)
            throw new ArgumentException($"{forecast.Count} forecast values for {actual.Count} actual values; the forecast must cover the whole horizon.", nameof(forecast));
        if (forecast.Any(f => !double.IsFinite(f)))
            throw new ArgumentException($"a forecast value is not finite ({string.Join(", ", forecast.Where(f => !double.IsFinite(f)).Distinct())}); every step needs a finite forecast.", nameof(forecast));
    }
}
