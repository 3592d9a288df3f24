using Microsoft.ML;

namespace MLNet.Lstm.Training;

/// <summary>The window normalisation a window column carries in its annotations (design.md).</summary>
internal sealed record WindowNormalizationInfo(WindowNormalization Mode, string ShiftColumnName, string ScaleColumnName, int TargetIndex)
{
    public static WindowNormalizationInfo? Read(DataViewSchema.Column column)
    {
        if (!WindowAnnotations.TryGetWindowInfo(column, out var info) || info.Normalization is null
            || info.Normalization == WindowNormalization.None)
            return null;
        if (info.ShiftColumnName is null || info.ScaleColumnName is null)
            throw new ArgumentOutOfRangeException(nameof(column),
                $"The window column '{column.Name}' is normalised ({info.Normalization}) but does not name its shift and scale columns ({WindowAnnotations.WindowShiftColumn}, {WindowAnnotations.WindowScaleColumn}).");
        return new WindowNormalizationInfo(info.Normalization.Value, info.ShiftColumnName, info.ScaleColumnName, info.TargetIndex);
    }
}
