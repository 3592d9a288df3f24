using MLNet.Lstm.Training;

namespace MLNet.Lstm.Search;

/// <summary>
/// The seasonal period the one call's seasonal candidate uses: <see cref="SeasonalPeriodDetector"/> on one probe window
/// per series (its last <see cref="ProbeLength"/> training rows, at most the median series' length, z-scored so that
/// every series weighs alike), the series shorter than the probe left out, at lags of at most a third of the probe
/// (three seasons in the probe, so that a long lag's few pairs cannot make a period).
/// </summary>
internal static class SearchPeriodDetector
{
    /// <summary>The longest probe window (periods up to 16 can be found).</summary>
    public const int ProbeLength = 48;

    /// <summary>The period, 0 when none is found or no series holds a probe of at least 8 rows.</summary>
    /// <param name="table">The series.</param>
    /// <param name="heldOut">The rows of each series' end not to read (the hold-out tail).</param>
    public static int Detect(SearchSeriesTable table, int heldOut)
    {
        var lengths = table.Series.Select(s => s.Length - heldOut).Where(n => n >= 8).OrderBy(n => n).ToArray();
        if (lengths.Length == 0)
            return 0;
        int probe = Math.Min(ProbeLength, lengths[lengths.Length / 2]);
        var x = new List<float>();
        int count = 0;
        foreach (var s in table.Series.Where(s => s.Length - heldOut >= probe))
        {
            var window = s.Values.AsSpan(s.Length - heldOut - probe, probe).ToArray();
            double mean = window.Average(v => (double)v);
            double sd = Math.Sqrt(window.Average(v => (v - mean) * (v - mean)));
            if (!(sd > 0) || !double.IsFinite(sd))
                continue;
            x.AddRange(window.Select(v => (float)((v - mean) / sd)));
            count++;
        }
        return count == 0 ? 0 : SeasonalPeriodDetector.Detect(x.ToArray(), count, probe, 1, 0, maxLag: probe / 3).Period;
    }
}
