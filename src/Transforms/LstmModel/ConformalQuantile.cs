namespace MLNet.Lstm;

/// <summary>
/// Split-conformal calibration: the finite-sample conformal quantile of n calibration scores is the
/// <c>⌈(n + 1)·level⌉</c>-th smallest score. When the calibration scores and the score of a new window are
/// exchangeable, the band built from it covers the new value with probability at least <c>level</c>.
/// </summary>
internal static class ConformalQuantile
{
    /// <summary>The rank <c>⌈(n + 1)·level⌉</c> (1-based) of the conformal quantile among n scores.</summary>
    public static long Rank(int n, double level) => (long)Math.Ceiling((n + 1) * level - 1e-9);

    /// <summary>The smallest number of calibration windows for which the rank is at most n.</summary>
    public static int WindowsNeeded(double level)
    {
        int n = 1;
        while (Rank(n, level) > n)
            n++;
        return n;
    }

    /// <summary>The conformal quantile of <paramref name="scores"/> (copied, then sorted).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rank exceeds the number of scores.</exception>
    public static float Of(ReadOnlySpan<float> scores, double level)
    {
        long rank = Rank(scores.Length, level);
        if (rank > scores.Length || rank < 1)
            throw new ArgumentOutOfRangeException(nameof(scores), scores.Length,
                $"{scores.Length} calibration window(s) are too few for level {level}: the conformal quantile needs at least {WindowsNeeded(level)}.");
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        return sorted[rank - 1];
    }

    /// <summary>
    /// The conformal width of each step from calibration predictions <c>[n, h, q]</c> (normalised units) and labels
    /// <c>[n, h]</c>: scores <c>|y − ŷ|</c> for a point model (q = 1), <c>max(lo − y, y − hi)</c> (conformalised
    /// quantile regression) for a quantile model, where lo/hi are the lowest/highest quantile.
    /// </summary>
    public static float[] Widths(float[] predictions, float[] labels, int n, int horizon, int quantiles, double level)
    {
        var widths = new float[horizon];
        var scores = new float[n];
        for (int k = 0; k < horizon; k++)
        {
            for (int i = 0; i < n; i++)
            {
                float y = labels[i * horizon + k];
                int at = (i * horizon + k) * quantiles;
                scores[i] = quantiles == 1 ? Math.Abs(y - predictions[at])
                    : Math.Max(predictions[at] - y, y - predictions[at + quantiles - 1]);
            }
            widths[k] = Of(scores, level);
        }
        return widths;
    }
}
