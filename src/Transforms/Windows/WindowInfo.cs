namespace MLNet.Lstm;

/// <summary>The shape and annotations of a window column, as read by <see cref="WindowAnnotations.TryGetWindowInfo"/>.</summary>
/// <param name="WindowSize">T, the number of time steps.</param>
/// <param name="FeatureCount">F, the number of values per time step.</param>
/// <param name="FeatureNames">The F input column names (<c>f0..</c> when the column has no names annotation).</param>
/// <param name="TargetIndex">Index of the target column among the F (0 when not annotated).</param>
/// <param name="Normalization">The normalisation mode, or <see langword="null"/> when the window is not normalised.</param>
/// <param name="ShiftColumnName">Name of the per-window shift column, when normalised.</param>
/// <param name="ScaleColumnName">Name of the per-window scale column, when normalised.</param>
public sealed record WindowInfo(
    int WindowSize,
    int FeatureCount,
    IReadOnlyList<string> FeatureNames,
    int TargetIndex,
    WindowNormalization? Normalization,
    string? ShiftColumnName,
    string? ScaleColumnName);
