namespace MLNet.Lstm;

// The rule for series shorter than the window in ForecastBySeries (docs/windows.md, "Short series"): every series
// with at least one row gets a forecast, from its window left-padded with its first row.
public sealed partial class SeriesForecaster
{
    /// <summary>
    /// Left-pads every series shorter than the window T to T rows with copies of its first row (each feature column's
    /// first value, and the first known-future covariates); returns the series and, per padded key, the rows added.
    /// </summary>
    private (List<KeyedSeries> Series, Dictionary<string, int> PaddedRows) PadShortSeries(List<KeyedSeries> all)
    {
        var padded = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<KeyedSeries>(all.Count);
        foreach (var s in all)
        {
            int missing = T - s.Values.Length;
            if (missing <= 0)
            {
                result.Add(s);
                continue;
            }
            padded.Add(s.Key, missing);
            result.Add(s with { Values = LeftPad(s.Values, missing), Known = LeftPad(s.Known, missing) });
        }
        return (result, padded);
    }

    private static float[][] LeftPad(float[][] rows, int missing) =>
        Enumerable.Range(0, missing).Select(_ => (float[])rows[0].Clone()).Concat(rows).ToArray();

    /// <summary>The predictions of padded series in the series' own rows (padding removed), with <see cref="SeriesPrediction.PaddedRows"/> set.</summary>
    private static IReadOnlyDictionary<string, SeriesPrediction> RemovePadding(IReadOnlyDictionary<string, SeriesPrediction> predictions,
        Dictionary<string, int> paddedRows)
    {
        if (paddedRows.Count == 0)
            return predictions;
        var result = new Dictionary<string, SeriesPrediction>(StringComparer.Ordinal);
        foreach (var (key, p) in predictions)
        {
            result.Add(key, paddedRows.TryGetValue(key, out int missing)
                ? new SeriesPrediction(p.Mode, p.CovariatePolicy, p.Observed[missing..],
                    p.Segments.Select(s => s with { StartRow = s.StartRow - missing }).ToArray()) { PaddedRows = missing }
                : p);
        }
        return result;
    }
}
