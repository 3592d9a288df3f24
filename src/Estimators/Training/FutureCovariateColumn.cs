using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Training;

/// <summary>
/// The known-future covariate column the trainer reads: a known-size vector of Single of h·C values (the values of C
/// columns at the h label steps, step-major, dimensions <c>[h, C]</c>). Its name is
/// <c>LstmForecastingTrainer.Options.FutureColumnName</c>, or, when that is null, the window column's
/// <c>WindowFutureColumn</c> annotation (written by <c>SlidingWindow</c> with <c>FutureCovariateColumnNames</c>).
/// </summary>
internal sealed record FutureCovariateColumn(string Name, int Size, int CovariateCount)
{
    /// <summary>The future column of <paramref name="schema"/>, or null when the model has none; checks its type.</summary>
    public static FutureCovariateColumn? Resolve(DataViewSchema schema, DataViewSchema.Column window, string? futureColumnName, int horizon)
    {
        string? name = futureColumnName ?? AnnotatedName(window);
        if (name is null)
            return null;
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(futureColumnName),
                $"The future covariate column '{name}' is not in the data. Columns: {string.Join(", ", schema.Select(c => c.Name))}. " +
                "Set SlidingWindow's FutureCovariateColumnNames, or set the trainer's FutureColumnName to the column of future values (null for none).");
        if (column.Type is not VectorDataViewType v || v.ItemType != NumberDataViewType.Single || !v.IsKnownSize)
            throw new ArgumentOutOfRangeException(nameof(futureColumnName),
                $"The future covariate column '{name}' must be a known-size vector of Single (h·C values, dimensions [h, C]), but is {column.Type}.");
        if (v.Dimensions.Length == 2 && v.Dimensions[0] != horizon)
            throw new ArgumentOutOfRangeException(nameof(futureColumnName),
                $"The future covariate column '{name}' has dimensions [{v.Dimensions[0]}, {v.Dimensions[1]}], but the horizon (label size) is {horizon}; it must be [h = {horizon}, C].");
        if (v.Size % horizon != 0)
            throw new ArgumentOutOfRangeException(nameof(futureColumnName),
                $"The future covariate column '{name}' has {v.Size} values, not a multiple of the horizon {horizon}: it must hold h·C values (C future covariates at each of the h label steps).");
        return new FutureCovariateColumn(name, v.Size, v.Size / horizon);
    }

    /// <summary>The name in the window column's <c>WindowFutureColumn</c> annotation, or null.</summary>
    private static string? AnnotatedName(DataViewSchema.Column window) =>
        WindowAnnotations.GetText(window, WindowAnnotations.WindowFutureColumn);

    /// <summary>Copies one row's values; a non-finite value is an error naming the column and the row.</summary>
    public static void Copy(VBuffer<float> values, Span<float> target, string name, long row, string what)
    {
        if (values.Length != target.Length)
            throw new InvalidOperationException($"The {what} data's future covariate column '{name}' has {values.Length} values in row {row}; expected {target.Length}.");
        values.CopyTo(target);
        for (int k = 0; k < target.Length; k++)
        {
            if (!float.IsFinite(target[k]))
                throw new InvalidOperationException(
                    $"The {what} data's future covariate column '{name}' holds {target[k]} at position {k} of row {row}. Future covariates must be known (finite) for every labelled window: fill or drop the missing values.");
        }
    }
}
