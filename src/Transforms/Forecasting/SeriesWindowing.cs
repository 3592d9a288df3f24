using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// The windowing a forecasting model was trained with: which series columns form a window, in which order, how many
/// steps, which column is the target, and how many steps ahead the model predicts.
/// </summary>
/// <param name="WindowColumnName">The model's window column (e.g. <c>Window</c>).</param>
/// <param name="FeatureColumnNames">The F series columns of a window, in feature order.</param>
/// <param name="WindowSize">T, the number of steps in a window.</param>
/// <param name="TargetIndex">Index of the target column in <paramref name="FeatureColumnNames"/>.</param>
/// <param name="Horizon">h, the number of steps the model predicts from one window.</param>
/// <param name="ScoreColumnName">The model's score column.</param>
public sealed record SeriesWindowing(
    string WindowColumnName,
    string[] FeatureColumnNames,
    int WindowSize,
    int TargetIndex,
    int Horizon,
    string ScoreColumnName = "Score")
{
    /// <summary>The series key column of a multi-series model (<c>SlidingWindow</c>'s <c>SeriesColumnName</c>), or null.</summary>
    public string? SeriesColumnName { get; init; }

    /// <summary>The C known-future covariate columns of the model (<c>SlidingWindow</c>'s <c>FutureCovariateColumnNames</c>), or null.</summary>
    public string[]? FutureCovariateColumnNames { get; init; }

    /// <summary>The model's future covariates column (<c>Vector&lt;Single&gt;</c> of h·C), or null when it has none.</summary>
    public string? FutureColumnName { get; init; }

    /// <summary>C, the number of known-future covariates (0 when none).</summary>
    public int FutureCount => FutureCovariateColumnNames?.Length ?? 0;

    /// <summary>F, the number of columns in a window.</summary>
    public int FeatureCount => FeatureColumnNames.Length;

    /// <summary>The target column's name.</summary>
    public string TargetColumnName => FeatureColumnNames[TargetIndex];

    /// <summary>The windowing of a fitted <see cref="SlidingWindowTransformer"/>, with the model's score column.</summary>
    internal static SeriesWindowing Of(SlidingWindowTransformer window, string scoreColumnName) => new(
        window.OutputColumnName, window.InputColumnNames.ToArray(), window.WindowSize, window.TargetIndex, window.Horizon, scoreColumnName)
    {
        SeriesColumnName = window.SeriesColumnName,
        FutureCovariateColumnNames = window.FutureColumnName is null ? null : window.FutureCovariateColumnNames.ToArray(),
        FutureColumnName = window.FutureColumnName,
    };

    internal void Validate()
    {
        Guard.NotNullOrEmpty(WindowColumnName, nameof(WindowColumnName));
        Guard.NotEmpty(FeatureColumnNames, nameof(FeatureColumnNames));
        Guard.AtLeast(WindowSize, 1, null, nameof(WindowSize));
        Guard.AtLeast(Horizon, 1, null, nameof(Horizon));
        Guard.Check(TargetIndex >= 0 && TargetIndex < FeatureColumnNames.Length,
            $"TargetIndex {TargetIndex} is outside the {FeatureColumnNames.Length} feature columns.", nameof(TargetIndex));
    }
}
