using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Training;

/// <summary>The resolved shape of the training problem: window [T, F], horizon h and normalisation.</summary>
internal sealed record LstmColumns(
    string FeatureColumnName,
    string LabelColumnName,
    int WindowSize,
    int FeatureCount,
    int Horizon,
    WindowNormalization? Normalization,
    string? ShiftColumnName,
    string? ScaleColumnName,
    int TargetIndex,
    string? FutureColumnName = null,
    int FutureSize = 0,
    string? SeriesColumnName = null)
{
    /// <summary>The normalisation's name as the scoring layout and the ONNX metadata write it, or null when raw.</summary>
    public string? NormalizationMode => Normalization?.ToString();

    public LstmScoringLayout ToLayout() =>
        new(FeatureColumnName, LabelColumnName, NormalizationMode, ShiftColumnName, ScaleColumnName, TargetIndex,
            FutureColumnName: FutureColumnName, FutureSize: FutureSize);

    /// <summary>Checks the window and label columns of <paramref name="schema"/> and reads T, F and h.</summary>
    public static LstmColumns Resolve(DataViewSchema schema, string featureColumnName, string labelColumnName, int? windowSize,
        string? futureColumnName = null)
    {
        var feature = schema.GetColumnOrNull(featureColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(featureColumnName),
                $"The feature column '{featureColumnName}' is not in the data. Columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        if (feature.Type is not VectorDataViewType vec || vec.ItemType != NumberDataViewType.Single || !vec.IsKnownSize)
            throw new ArgumentOutOfRangeException(nameof(featureColumnName),
                $"The feature column '{featureColumnName}' must be a known-size vector of Single (a window of T·F values, e.g. from SlidingWindow), but is {feature.Type}.");

        // The one window-shape rule of the library (dimensions, else annotations, else WindowSize), with the option's name.
        var (t, f) = WindowShape.Resolve(feature, windowSize, "LstmForecastingTrainer", "WindowSize");

        var label = schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(labelColumnName),
                $"The label column '{labelColumnName}' is not in the data. Columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        int h;
        if (label.Type == NumberDataViewType.Single)
            h = 1;
        else if (label.Type is VectorDataViewType lv && lv.ItemType == NumberDataViewType.Single && lv.IsKnownSize)
            h = lv.Size;
        else
            throw new ArgumentOutOfRangeException(nameof(labelColumnName),
                $"The label column '{labelColumnName}' must be Single (horizon 1) or a known-size vector of Single (horizon h), but is {label.Type}.");

        var norm = WindowNormalizationInfo.Read(feature);
        if (norm is not null)
        {
            foreach (var name in new[] { norm.ShiftColumnName, norm.ScaleColumnName })
            {
                var c = schema.GetColumnOrNull(name);
                if (c is null || c.Value.Type is not VectorDataViewType cv || cv.ItemType != NumberDataViewType.Single || cv.Size != f)
                    throw new ArgumentOutOfRangeException(nameof(featureColumnName),
                        $"The window column '{featureColumnName}' is normalised ({norm.Mode}) but its column '{name}' is missing or not a vector of {f} Single values.");
            }
            if (norm.TargetIndex < 0 || norm.TargetIndex >= f)
                throw new ArgumentOutOfRangeException(nameof(featureColumnName),
                    $"The window column '{featureColumnName}''s target index {norm.TargetIndex} is outside its {f} features.");
        }
        var future = FutureCovariateColumn.Resolve(schema, feature, futureColumnName, h);
        return new LstmColumns(featureColumnName, labelColumnName, t, f, h, norm?.Mode, norm?.ShiftColumnName, norm?.ScaleColumnName, norm?.TargetIndex ?? 0,
            future?.Name, future?.Size ?? 0, ResolveSeriesColumn(schema, feature));
    }

    /// <summary>
    /// The series key column the window column's <see cref="WindowAnnotations.WindowSeriesColumn"/> annotation names,
    /// when the data has it with a key type; otherwise null (<see cref="LstmTrainingInput"/> refuses a split it needs).
    /// </summary>
    private static string? ResolveSeriesColumn(DataViewSchema schema, DataViewSchema.Column feature)
    {
        var name = WindowAnnotations.GetText(feature, WindowAnnotations.WindowSeriesColumn);
        return name is not null && schema.GetColumnOrNull(name) is { } key && SeriesKeyReader.IsSupported(key.Type) ? name : null;
    }
}
