using MLNet.Lstm.Onnx;

namespace MLNet.Lstm;

/// <summary>
/// How the ONNX graph meets the data: the input column names, the target's index among the window's features and
/// whether scores are de-normalised with per-window shift/scale columns.
/// </summary>
internal sealed record LstmScoringLayout(
    string FeatureColumnName,
    string LabelColumnName,
    string? NormalizationMode,
    string? ShiftColumnName,
    string? ScaleColumnName,
    int TargetIndex,
    string ScoreColumnName = "Score",
    string? FutureColumnName = null,
    int FutureSize = 0)
{
    /// <summary>The <c>mlnet_lstm.format</c> of the LSTM graph (<see cref="OnnxGraphFormats.LstmForecaster"/>).</summary>
    public const string OnnxFormat = OnnxGraphFormats.LstmForecaster.Name;

    /// <summary>The newest <c>mlnet_lstm.version</c> of the LSTM graph; readers of saved graphs check against it (history: <see cref="OnnxGraphFormats.LstmForecaster"/>).</summary>
    public const int OnnxFormatVersion = OnnxGraphFormats.LstmForecaster.Version;

    /// <summary>The version of graphs with GRU cells, future covariates, ensembles or bounds, and no seasonal period.</summary>
    public const int ExtendedFormatVersion = OnnxGraphFormats.LstmForecaster.ExtendedVersion;

    /// <summary>The lower bound output column of quantile and conformal models.</summary>
    public const string LowerBoundColumnName = "LowerBound";

    /// <summary>The upper bound output column of quantile and conformal models.</summary>
    public const string UpperBoundColumnName = "UpperBound";

    /// <summary>The quantiles output column of quantile models (<c>[h, q]</c>, quantile-minor).</summary>
    public const string QuantilesColumnName = "Quantiles";

    public bool IsNormalized => ShiftColumnName is not null && ScaleColumnName is not null;

    /// <summary>Whether the graph has the future covariate input (float <c>[N, FutureSize]</c>).</summary>
    public bool HasFuture => FutureColumnName is not null;

    public string[] InputColumnNames => (IsNormalized
        ? new[] { FeatureColumnName, ShiftColumnName!, ScaleColumnName! }
        : new[] { FeatureColumnName }).Concat(HasFuture ? new[] { FutureColumnName! } : Array.Empty<string>()).ToArray();
}
