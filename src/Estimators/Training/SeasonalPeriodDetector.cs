using Microsoft.ML.Runtime;

namespace MLNet.Lstm.Training;

/// <summary>The period <see cref="SeasonalPeriodDetector"/> found (0 for none) and its autocorrelation (the largest one seen when none).</summary>
/// <param name="Period">The seasonal period m, or 0 when the windows show no seasonality.</param>
/// <param name="Autocorrelation">The pooled autocorrelation of the first differences at <paramref name="Period"/>; without a period, the largest at any candidate lag (NaN when there is none).</param>
/// <param name="BestLag">The lag of <paramref name="Autocorrelation"/> (0 when there is none).</param>
internal sealed record SeasonalPeriodDetection(int Period, double Autocorrelation, int BestLag);

/// <summary>
/// Detects the seasonal period for <c>LstmForecastingTrainer.Options.SeasonalPeriod = AutoSeasonalPeriod</c> from the
/// training windows' target column: the autocorrelation of the first differences, pooled over the windows.
/// </summary>
/// <remarks>
/// For each window i the differences <c>e_i[j] = x[i, j+1, c] − x[i, j, c]</c>, j = 0 .. T−2, of the target column c;
/// μ = the mean of all of them; <c>acf[k]</c> = the mean of the products <c>(e_i[j] − μ)(e_i[j+k] − μ)</c> over all pairs of
/// all windows, divided by the mean of <c>(e_i[j] − μ)²</c> (each lag averaged over its own count·(T − 1 − k) pairs, so a
/// lag of half the window is not shrunk by the short windows). Among the lags
/// k = 2 .. T−3 that are local maxima (<c>acf[k] ≥ acf[k−1]</c> and <c>acf[k] ≥ acf[k+1]</c>) with <c>acf[k] &gt;
/// <see cref="Threshold"/></c> and k ≥ h, the one with the largest autocorrelation is the period; none → no seasonality.
/// Windows with a non-finite target value are left out. First differences remove a trend (a level series' raw
/// autocorrelation is high at every lag); lag 1 is never a candidate (a period needs two steps).
/// </remarks>
internal static class SeasonalPeriodDetector
{
    /// <summary>The autocorrelation a lag must exceed to count as a period.</summary>
    public const double Threshold = 0.3;

    /// <summary>
    /// The network's seasonal structure for the options of <paramref name="fit"/>: none, the given period, or with
    /// <see cref="LstmForecastingTrainer.Options.AutoSeasonalPeriod"/> the initial model's or the one
    /// <see cref="Detect"/> finds in the training windows of <paramref name="data"/> (logged).
    /// </summary>
    public static LstmSeasonality Resolve(LstmFit fit, LstmTrainingInput data)
    {
        var o = fit.Options;
        var input = o.SeasonalInput ?? SeasonalNetworkInput.Differences;
        if (o.SeasonalPeriod == 0)
            return LstmSeasonality.None;
        if (o.SeasonalPeriod > 0)
            return new LstmSeasonality(o.SeasonalPeriod, input);
        if (o.InitialModel is not null)
            return o.InitialModel.Weights.Seasonality;
        var cols = data.Columns;
        var found = Detect(data.Data.X, data.TrainCount, cols.WindowSize, cols.FeatureCount, cols.TargetIndex, cols.Horizon);
        fit.Log?.Info(MessageSensitivity.None, found.Period > 0
            ? $"SeasonalPeriod auto: period {found.Period} (autocorrelation of the first differences {found.Autocorrelation:0.00}); the layers read {input}."
            : $"SeasonalPeriod auto: no seasonality (largest autocorrelation of the first differences {found.Autocorrelation:0.00} at lag {found.BestLag}, needs a local maximum above {Threshold} at a lag of at least the horizon {cols.Horizon}); the plain network.");
        return found.Period > 0 ? new LstmSeasonality(found.Period, input) : LstmSeasonality.None;
    }

    /// <summary>Detects the period in <paramref name="count"/> windows <c>[T, F]</c> stored time-major in <paramref name="x"/>.</summary>
    /// <param name="x">The windows, <c>[count, T, F]</c> (the array may be longer).</param>
    /// <param name="count">The number of windows to read.</param>
    /// <param name="windowSize">T.</param>
    /// <param name="featureCount">F.</param>
    /// <param name="targetIndex">c, the target's feature index.</param>
    /// <param name="horizon">h: a period must be at least h.</param>
    /// <param name="maxLag">The longest lag considered (default: T − 3).</param>
    public static SeasonalPeriodDetection Detect(ReadOnlySpan<float> x, int count, int windowSize, int featureCount, int targetIndex, int horizon, int maxLag = int.MaxValue)
    {
        var acf = Autocorrelations(x, count, windowSize, featureCount, targetIndex);
        int period = 0, bestLag = 0;
        double best = double.NaN, bestSeen = double.NaN;
        for (int k = 2; k <= Math.Min(windowSize - 3, maxLag); k++)
        {
            double a = acf[k];
            if (double.IsNaN(a))
                continue;
            if (double.IsNaN(bestSeen) || a > bestSeen)
                (bestSeen, bestLag) = (a, k);
            bool localMax = a >= acf[k - 1] && a >= acf[k + 1];
            if (localMax && a > Threshold && k >= horizon && (double.IsNaN(best) || a > best))
                (best, period) = (a, k);
        }
        return period > 0 ? new SeasonalPeriodDetection(period, best, period) : new SeasonalPeriodDetection(0, bestSeen, bestLag);
    }

    /// <summary>The pooled autocorrelations <c>acf[k]</c> of the first differences, k = 0 .. T−2 (NaN when they are all equal).</summary>
    public static double[] Autocorrelations(ReadOnlySpan<float> x, int count, int windowSize, int featureCount, int targetIndex)
    {
        int t = windowSize, f = featureCount, lags = Math.Max(t - 1, 1);
        var diffs = new List<double[]>(count);
        double sum = 0;
        long n = 0;
        for (int i = 0; i < count; i++)
        {
            var e = new double[t - 1];
            bool finite = true;
            for (int j = 0; j < t - 1 && finite; j++)
            {
                e[j] = (double)x[(i * t + j + 1) * f + targetIndex] - x[(i * t + j) * f + targetIndex];
                finite = double.IsFinite(e[j]);
            }
            if (!finite)
                continue;
            diffs.Add(e);
            foreach (var v in e)
                sum += v;
            n += e.Length;
        }
        var acf = new double[lags];
        if (n == 0)
        {
            Array.Fill(acf, double.NaN);
            return acf;
        }
        double mean = sum / n;
        var products = new double[lags];
        foreach (var e in diffs)
        {
            for (int k = 0; k < lags; k++)
                for (int j = 0; j + k < e.Length; j++)
                    products[k] += (e[j] - mean) * (e[j + k] - mean);
        }
        // Each lag's mean product over its own pairs (count · (T − 1 − k) of them), over the variance: the windows are
        // short, so the usual 1/n scaling of every lag would shrink a 12-step period in a 24-step window by half.
        double variance = products[0] / n;
        for (int k = 0; k < lags; k++)
        {
            long pairs = (long)diffs.Count * (t - 1 - k);
            acf[k] = variance > 0 && pairs > 0 ? products[k] / pairs / variance : double.NaN;
        }
        return acf;
    }
}
