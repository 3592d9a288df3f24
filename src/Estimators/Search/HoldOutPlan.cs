namespace MLNet.Lstm.Search;

/// <summary>
/// The one call's per-series temporal hold-out (docs/trainer.md, "The one call"): of every series, the last
/// <see cref="TailLength"/> = h + k − 1 rows are held out of the candidates' training, and the candidates forecast them
/// from the last k windows of each series that holds the longest candidate window and the tail, so that every candidate
/// is scored on the same target points. k is the larger of the seasonal period p (one forecast origin per season, so
/// that a choice does not rest on one origin's luck; 1 without a period) and the windows per series that give
/// <c>MinValidationWindows</c> over the series that hold the longest window and 2h rows; at most a fifth of the longest
/// series' windows.
/// </summary>
internal sealed class HoldOutPlan
{
    private HoldOutPlan(int horizon, int windowsPerSeries, int[] evaluated)
    {
        Horizon = horizon;
        WindowsPerSeries = windowsPerSeries;
        Evaluated = evaluated;
    }

    /// <summary>h.</summary>
    public int Horizon { get; }

    /// <summary>k, the hold-out windows per evaluated series.</summary>
    public int WindowsPerSeries { get; }

    /// <summary>The rows of each series held out of the candidates' training: h + k − 1.</summary>
    public int TailLength => Horizon + WindowsPerSeries - 1;

    /// <summary>The indices of the series the candidates are scored on (long enough for the longest window and the tail).</summary>
    public IReadOnlyList<int> Evaluated { get; }

    /// <summary>The plan for <paramref name="windowSizes"/> (all feasible: see <see cref="FeasibleWindows"/>) and the seasonal period <paramref name="period"/> (0: none).</summary>
    public static HoldOutPlan Create(SearchSeriesTable table, int horizon, IReadOnlyList<int> windowSizes, int minValidationWindows, int period)
    {
        int longest = windowSizes.Max();
        int trainable = table.Series.Count(s => s.Length >= longest + 2 * horizon);
        int longestSeries = table.Series.Max(s => s.Length);
        int cap = Math.Max(1, (longestSeries - longest - 2 * horizon + 1) / 5);
        int k = Math.Clamp(Math.Max(period, (minValidationWindows + trainable - 1) / Math.Max(1, trainable)), 1, cap);
        var evaluated = Enumerable.Range(0, table.Series.Count).Where(i => table.Series[i].Length >= longest + horizon + k - 1).ToArray();
        return new HoldOutPlan(horizon, k, evaluated);
    }

    /// <summary>
    /// The window lengths of <paramref name="windowSizes"/> for which some series has <c>T + 2h</c> rows (a training
    /// window and the held-out h steps).
    /// </summary>
    /// <exception cref="ArgumentException">None: the message names the shortest and longest series and the window.</exception>
    public static int[] FeasibleWindows(SearchSeriesTable table, int horizon, IReadOnlyList<int> windowSizes)
    {
        int longestSeries = table.Series.Max(s => s.Length), shortestSeries = table.Series.Min(s => s.Length);
        var feasible = windowSizes.Where(t => longestSeries >= t + 2 * horizon).ToArray();
        if (feasible.Length == 0)
        {
            int t = windowSizes.Min();
            throw new ArgumentException(
                $"ForecastByLstm: every series is too short for the window {t} and horizon {horizon}: validating a window needs T + 2·h = {t + 2 * horizon} rows " +
                $"(the window, its h labels and the h held-out steps), but the series have {shortestSeries} to {longestSeries} rows. " +
                $"Set a smaller WindowSize (at most {Math.Max(2, longestSeries - 2 * horizon)}) or Horizon, or give longer series.", "input");
        }
        return feasible;
    }

    /// <summary>
    /// The window lengths of <paramref name="windowSizes"/> (shortest first) that leave at most a tenth of the series
    /// that give training windows with the shortest (<c>T + h</c> rows) without any: the hold-out scores only the
    /// series long enough for every candidate window, so it cannot see what a longer window costs the short series.
    /// The others are named in <paramref name="leftOut"/>.
    /// </summary>
    public static int[] CoveringWindows(SearchSeriesTable table, int horizon, IReadOnlyList<int> windowSizes, out string? leftOut)
    {
        int Trainable(int t) => table.Series.Count(s => s.Length >= t + horizon);
        int shortest = Trainable(windowSizes[0]);
        var kept = windowSizes.Where((t, i) => i == 0 || Trainable(t) >= 0.9 * shortest).ToArray();
        var dropped = windowSizes.Except(kept).ToArray();
        leftOut = dropped.Length == 0 ? null
            : string.Join("; ", dropped.Select(t => $"window {t} left out: only {Trainable(t)} of the {shortest} series that give training windows with window {windowSizes[0]} give any with it (a longer window must keep nine tenths of them)"));
        return kept;
    }

    /// <summary>The rows the candidates train on: each series without its last <see cref="TailLength"/> rows.</summary>
    public bool[] TrainingMask(SearchSeriesTable table) => table.Mask(s => (0, s.Length - TailLength));

    /// <summary>The rows the hold-out windows of length <paramref name="windowSize"/> read: the last T + tail rows of each evaluated series.</summary>
    public bool[] ValidationMask(SearchSeriesTable table, int windowSize)
    {
        var evaluated = Evaluated.Select(i => table.Series[i]).ToHashSet();
        return table.Mask(s => evaluated.Contains(s) ? (s.Length - TailLength - windowSize, s.Length) : (0, 0));
    }

    /// <summary>The number of training windows of length <paramref name="windowSize"/> (over all series).</summary>
    public long TrainingWindows(SearchSeriesTable table, int windowSize)
        => table.Series.Sum(s => (long)Math.Max(0, s.Length - TailLength - windowSize - Horizon + 1));

    /// <summary>
    /// Each evaluated series' sMAPE (mean over its k windows and h steps of 200·|y − f| / (|y| + |f|), 0 when both are
    /// 0, 200 for a non-finite forecast) of <paramref name="forecasts"/>: one row of h values per hold-out window, the
    /// evaluated series in order, k windows each in time order.
    /// </summary>
    /// <exception cref="InvalidOperationException">The forecasts do not have one row per hold-out window.</exception>
    public double[] SeriesSmape(SearchSeriesTable table, IReadOnlyList<float[]> forecasts)
    {
        int k = WindowsPerSeries, h = Horizon;
        if (forecasts.Count != Evaluated.Count * k)
            throw new InvalidOperationException($"ForecastByLstm: the hold-out gave {forecasts.Count} scored windows, but {Evaluated.Count} series × {k} windows were expected.");
        var errors = new double[Evaluated.Count];
        for (int e = 0; e < Evaluated.Count; e++)
        {
            var y = table.Series[Evaluated[e]].Values;
            int tail = y.Length - TailLength;
            double sum = 0;
            for (int j = 0; j < k; j++)
                for (int s = 0; s < h; s++)
                    sum += Smape(y[tail + j + s], forecasts[e * k + j][s]);
            errors[e] = sum / (k * h);
        }
        return errors;
    }

    /// <summary>200·|y − f| / (|y| + |f|); 0 when both are 0; 200 when <paramref name="f"/> is not finite.</summary>
    public static double Smape(double y, double f)
    {
        if (!double.IsFinite(f))
            return 200;
        double d = Math.Abs(y) + Math.Abs(f);
        return d == 0 ? 0 : 200 * Math.Abs(y - f) / d;
    }
}
