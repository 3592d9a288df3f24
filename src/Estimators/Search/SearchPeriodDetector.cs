using MLNet.Lstm.Training;

namespace MLNet.Lstm.Search;

/// <summary>
/// The seasonal period the one call's seasonal candidate uses: <see cref="SeasonalPeriodDetector"/> on one probe window
/// per series (its last P training rows, z-scored so that every series weighs alike), the series shorter than the probe
/// left out, at lags of at most a third of the probe (three seasons in the probe, so that a long lag's few pairs cannot
/// make a period). P is the median series' length, at most <see cref="ProbeLength"/> rows when there are at least
/// <see cref="ManyProbes"/> series (they give pairs enough), at most <see cref="LongProbeLength"/> otherwise (one series
/// needs its whole history). A period p whose divisor d is found when the lags stop below p (johnsonjohnson's 12, whose
/// autocorrelation peaks at 4, 8 and 12) is reported as d: the network's seasonal-naive base is then the last season.
/// </summary>
internal static class SearchPeriodDetector
{
    /// <summary>The longest probe window with many series (periods up to 16 can be found).</summary>
    public const int ProbeLength = 48;

    /// <summary>The longest probe window with fewer than <see cref="ManyProbes"/> series.</summary>
    public const int LongProbeLength = 144;

    /// <summary>The number of series from which the short probe is used.</summary>
    public const int ManyProbes = 8;

    /// <summary>The period, 0 when none is found or no series holds a probe of at least 8 rows.</summary>
    /// <param name="table">The series.</param>
    /// <param name="heldOut">The rows of each series' end not to read (the hold-out tail).</param>
    /// <param name="windowSize">The caller's window length T, or 0 when the one call chooses it: with T, the period is
    /// detected as the trainer's <c>AutoSeasonalPeriod</c> detects it, on every stride-1 window of T rows before the
    /// tail (each z-scored), at lags up to T − 3.</param>
    public static int Detect(SearchSeriesTable table, int heldOut, int windowSize = 0)
    {
        if (windowSize >= 8)
            return DetectInWindows(table, heldOut, windowSize);
        var lengths = table.Series.Select(s => s.Length - heldOut).Where(n => n >= 8).OrderBy(n => n).ToArray();
        if (lengths.Length == 0)
            return 0;
        int probe = Math.Min(lengths.Length >= ManyProbes ? ProbeLength : LongProbeLength, lengths[lengths.Length / 2]);
        var (x, count) = Probes(table, heldOut, probe);
        if (count == 0)
            return 0;
        return PreferDivisor(x, count, probe, probe / 3);
    }

    private static int DetectInWindows(SearchSeriesTable table, int heldOut, int windowSize)
    {
        var x = new List<float>();
        int count = 0;
        foreach (var s in table.Series)
        {
            for (int start = 0; start + windowSize <= s.Length - heldOut; start++)
            {
                if (ZScored(s.Values.AsSpan(start, windowSize)) is not { } window)
                    continue;
                x.AddRange(window);
                count++;
            }
        }
        return count == 0 ? 0 : PreferDivisor(x.ToArray(), count, windowSize, windowSize - 3);
    }

    /// <summary>The period found at lags up to <paramref name="maxLag"/>, or its divisor when one is found at lags below it.</summary>
    private static int PreferDivisor(float[] x, int count, int length, int maxLag)
    {
        int period = SeasonalPeriodDetector.Detect(x, count, length, 1, 0, maxLag).Period;
        if (period < 4)
            return period;
        int shorter = SeasonalPeriodDetector.Detect(x, count, length, 1, 0, maxLag: period - 1).Period;
        return shorter >= 2 && period % shorter == 0 ? shorter : period;
    }

    /// <summary><paramref name="values"/> z-scored; null when constant or not finite.</summary>
    private static float[]? ZScored(ReadOnlySpan<float> values)
    {
        var v = values.ToArray();
        double mean = v.Average(a => (double)a);
        double sd = Math.Sqrt(v.Average(a => (a - mean) * (a - mean)));
        return sd > 0 && double.IsFinite(sd) ? v.Select(a => (float)((a - mean) / sd)).ToArray() : null;
    }

    /// <summary>The z-scored last <paramref name="probe"/> rows before the tail of every series that holds them (constant ones left out).</summary>
    private static (float[] X, int Count) Probes(SearchSeriesTable table, int heldOut, int probe)
    {
        var x = new List<float>();
        int count = 0;
        foreach (var s in table.Series.Where(s => s.Length - heldOut >= probe))
        {
            if (ZScored(s.Values.AsSpan(s.Length - heldOut - probe, probe)) is not { } window)
                continue;
            x.AddRange(window);
            count++;
        }
        return (x.ToArray(), count);
    }
}
