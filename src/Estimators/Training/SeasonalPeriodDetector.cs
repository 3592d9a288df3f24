using Microsoft.ML.Runtime;

namespace MLNet.Lstm.Training;

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
/// <see cref="Threshold"/></c> and that the autocorrelation supports as a cycle above the noise band
/// ±b, b = 2/√n with n = count + T − 2 (the distinct differences of stride-1 windows, the fewest the windows can hold),
/// the one with the largest autocorrelation is the period; none → no seasonality. A cycle of period k falls between
/// its peaks and repeats: some lag 1 ≤ j &lt; k has <c>acf[j] &lt; −b</c>; where the lags reach 1.5k, some lag
/// k &lt; j &lt; 2k has <c>acf[j] &lt; −b</c> too; where they reach 2k, <c>acf[2k] &gt; b</c>. A smooth slow wave (period far beyond the window) plus noise has
/// a positive, slowly falling autocorrelation, lowered at lag 1 by the differenced noise: its small local maxima at
/// lag 2 or 3 have no trough and are not periods. Short periods need the same evidence as long ones.
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
        var found = Detect(data.Data.X, data.TrainCount, cols.WindowSize, cols.FeatureCount, cols.TargetIndex);
        fit.Log?.Info(MessageSensitivity.None, found.Period > 0
            ? $"SeasonalPeriod auto: period {found.Period} (autocorrelation of the first differences {found.Autocorrelation:0.00}); the layers read {input}."
            : $"SeasonalPeriod auto: no seasonality (largest autocorrelation of the first differences {found.Autocorrelation:0.00} at lag {found.BestLag}, needs a local maximum above {Threshold}); the plain network.");
        return found.Period > 0 ? new LstmSeasonality(found.Period, input) : LstmSeasonality.None;
    }

    /// <summary>Detects the period in <paramref name="count"/> windows <c>[T, F]</c> stored time-major in <paramref name="x"/>.</summary>
    /// <param name="x">The windows, <c>[count, T, F]</c> (the array may be longer).</param>
    /// <param name="count">The number of windows to read.</param>
    /// <param name="windowSize">T.</param>
    /// <param name="featureCount">F.</param>
    /// <param name="targetIndex">c, the target's feature index.</param>
    /// <param name="maxLag">The longest lag considered (default: T − 3).</param>
    public static SeasonalPeriodDetection Detect(ReadOnlySpan<float> x, int count, int windowSize, int featureCount, int targetIndex, int maxLag = int.MaxValue)
    {
        var acf = Autocorrelations(x, count, windowSize, featureCount, targetIndex);
        double band = NoiseBand(count, windowSize);
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
            if (localMax && a > Threshold && IsCycle(acf, k, band) && (double.IsNaN(best) || a > best))
                (best, period) = (a, k);
        }
        return period > 0 ? new SeasonalPeriodDetection(period, best, period) : new SeasonalPeriodDetection(0, bestSeen, bestLag);
    }

    /// <summary>The noise band b = 2/√n of an autocorrelation, n = count + T − 2 (see the remarks).</summary>
    public static double NoiseBand(int count, int windowSize) => 2 / Math.Sqrt(Math.Max(count + windowSize - 2, 1));

    /// <summary>
    /// Whether lag <paramref name="k"/> is the period of a cycle above the band (see the remarks): the autocorrelation
    /// falls below −<paramref name="band"/> between 0 and k, and, as far as it reaches, again between k and 2k (when it
    /// reaches 1.5k) and rises above <paramref name="band"/> at 2k (when it reaches 2k).
    /// </summary>
    private static bool IsCycle(double[] acf, int k, double band)
    {
        int last = acf.Length - 1;
        if (!FallsBelow(acf, 1, k - 1, -band))
            return false;
        if (3 * k <= 2 * last && !FallsBelow(acf, k + 1, Math.Min(2 * k - 1, last), -band))
            return false;
        return 2 * k > last || acf[2 * k] > band;
    }

    private static bool FallsBelow(double[] acf, int from, int to, double level)
    {
        for (int j = from; j <= to; j++)
        {
            if (acf[j] < level)
                return true;
        }
        return false;
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
