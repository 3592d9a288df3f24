using Microsoft.ML;

namespace MLNet.Lstm;

/// <summary>
/// The per-key side of an evaluation over several series: one <see cref="ForecastingMetricsAccumulator"/> per value of
/// the series key column (read as text; an integer key by its invariant decimal form), fed the same rows as the pooled one.
/// </summary>
internal sealed class PerSeriesMetricsAccumulator
{
    private readonly Func<string> _key;
    private readonly Func<ForecastingMetricsAccumulator> _create;
    private readonly Dictionary<string, ForecastingMetricsAccumulator> _byKey = new(StringComparer.Ordinal);

    private PerSeriesMetricsAccumulator(Func<string> key, Func<ForecastingMetricsAccumulator> create)
    {
        _key = key;
        _create = create;
    }

    /// <summary>
    /// The series key column: <paramref name="explicitName"/>, else the <see cref="WindowAnnotations.WindowSeriesColumn"/>
    /// annotation of the window column <paramref name="windowColumn"/>; null when neither names one.
    /// </summary>
    public static DataViewSchema.Column? FindKey(DataViewSchema schema, string? explicitName, string windowColumn)
    {
        string? name = explicitName;
        if (name is null && schema.GetColumnOrNull(windowColumn) is DataViewSchema.Column window)
            name = WindowAnnotations.GetText(window, WindowAnnotations.WindowSeriesColumn);
        if (name is null)
            return null;
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentException(
            $"The scored data has no series key column '{name}'. Columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}. " +
            "Keep the key column in the scored data, or set ForecastingEvaluator.Options.SeriesColumnName.");
        if (!SeriesKeyReader.IsSupported(column.Type))
            throw new ArgumentException($"The series key column '{name}' has type {column.Type}; a series key must be text or an integer.");
        return column;
    }

    public static PerSeriesMetricsAccumulator Create(DataViewRow row, DataViewSchema.Column key, Func<ForecastingMetricsAccumulator> create)
        => new(SeriesKeyReader.MakeReader(row, key), create);

    /// <summary>Adds the current row to its key's accumulator (the arguments of <see cref="ForecastingMetricsAccumulator.Add"/>).</summary>
    public void Add(float[] labels, float[] scores, double last, float[]? lower, float[]? upper, float[]? quantiles, string location)
    {
        string key = _key();
        if (!_byKey.TryGetValue(key, out var accumulator))
            _byKey.Add(key, accumulator = _create());
        accumulator.Add(labels, scores, last, lower, upper, quantiles, location);
    }

    /// <summary>The metrics per key, in first-seen order; keys without a labelled row are left out.</summary>
    public IReadOnlyDictionary<string, ForecastingMetrics> ToMetrics()
    {
        var result = new Dictionary<string, ForecastingMetrics>(StringComparer.Ordinal);
        foreach (var (key, accumulator) in _byKey)
        {
            if (accumulator.Count > 0)
                result.Add(key, accumulator.ToMetrics());
        }
        return result;
    }
}
