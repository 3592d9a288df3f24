namespace MLNet.Lstm.Training;

/// <summary>
/// The per-series temporal split of keyed training windows (docs/trainer.md, "Validation of keyed windows"): series s
/// with n_s labelled windows (in the order they come, which <c>SlidingWindow</c> makes time order) gives its last
/// v_s = round(n_s · ValidationFraction) windows to validation and, of the n_s − v_s left, its last
/// c_s = round((n_s − v_s) · CalibrationFraction) to conformal calibration (round: .NET's <see cref="Math.Round(double)"/>,
/// halves to even, the rule of the unkeyed split). The rows are then reordered into the layout the trainer reads:
/// every series' training windows, then every series' calibration windows, then every series' validation windows,
/// each block in series order (first appearance) and time order.
/// </summary>
internal sealed class SeriesTemporalSplit
{
    private SeriesTemporalSplit(int[] order, int seriesCount, int validationCount, int calibrationCount)
    {
        Order = order;
        SeriesCount = seriesCount;
        ValidationCount = validationCount;
        CalibrationCount = calibrationCount;
    }

    /// <summary>For each new position, the row it takes from the reading order (a permutation of 0 .. Count − 1).</summary>
    public int[] Order { get; }

    /// <summary>The number of series.</summary>
    public int SeriesCount { get; }

    /// <summary>The windows held out for validation, over all series.</summary>
    public int ValidationCount { get; }

    /// <summary>The windows held out for calibration, over all series.</summary>
    public int CalibrationCount { get; }

    /// <summary>
    /// Plans the split of <paramref name="seriesIds"/> (the series of each row, ids 0 .. K − 1);
    /// <paramref name="calibrationFraction"/> is null without conformal calibration.
    /// </summary>
    public static SeriesTemporalSplit Plan(ReadOnlySpan<int> seriesIds, double validationFraction, double? calibrationFraction)
    {
        int seriesCount = 0;
        foreach (int id in seriesIds)
            seriesCount = Math.Max(seriesCount, id + 1);
        var rowsOf = new List<int>[seriesCount];
        for (int s = 0; s < seriesCount; s++)
            rowsOf[s] = new List<int>();
        for (int row = 0; row < seriesIds.Length; row++)
            rowsOf[seriesIds[row]].Add(row);
        var train = new List<int>(seriesIds.Length);
        var calibration = new List<int>();
        var validation = new List<int>();
        foreach (var rows in rowsOf)
        {
            int n = rows.Count;
            int v = (int)Math.Round(n * validationFraction);
            int c = calibrationFraction is double cf ? (int)Math.Round((n - v) * cf) : 0;
            train.AddRange(rows.Take(n - v - c));
            calibration.AddRange(rows.Skip(n - v - c).Take(c));
            validation.AddRange(rows.Skip(n - v));
        }
        var order = train.Concat(calibration).Concat(validation).ToArray();
        return new SeriesTemporalSplit(order, seriesCount, validation.Count, calibration.Count);
    }
}
