namespace MLNet.Lstm;

/// <summary>
/// The weights of one LSTM layer in PyTorch's layout: gate blocks in the order i, f, g, o; <c>WeightIh</c> is
/// <c>[4H, InputSize]</c> and <c>WeightHh</c> is <c>[4H, H]</c>, both row-major.
/// </summary>
internal sealed record LstmLayerWeights(int InputSize, int HiddenSize, float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh);

/// <summary>
/// A fitted network as plain arrays (no TorchSharp): stacked LSTM layers and the linear head <c>[Horizon, H]</c>.
/// Used to write the ONNX graph, to warm-start a new fit and by tests that check the equations.
/// </summary>
internal sealed class LstmNetworkWeights
{
    public LstmNetworkWeights(int windowSize, int featureCount, int horizon, IReadOnlyList<LstmLayerWeights> layers, float[] headWeight, float[] headBias,
        LstmIntervalHead? interval = null)
    {
        Interval = interval ?? LstmIntervalHead.None;
        int outputs = horizon * Interval.QuantileCount;
        if (layers.Count == 0)
            throw new ArgumentException("An LSTM network needs at least one layer.", nameof(layers));
        int input = featureCount;
        foreach (var l in layers)
        {
            if (l.InputSize != input || l.WeightIh.Length != 4 * l.HiddenSize * l.InputSize
                || l.WeightHh.Length != 4 * l.HiddenSize * l.HiddenSize || l.BiasIh.Length != 4 * l.HiddenSize
                || l.BiasHh.Length != 4 * l.HiddenSize)
                throw new ArgumentException($"LSTM layer weights do not match input size {input} and hidden size {l.HiddenSize}.", nameof(layers));
            input = l.HiddenSize;
        }
        if (headWeight.Length != outputs * input || headBias.Length != outputs)
            throw new ArgumentException($"Head weights must be [{outputs}, {input}] and bias [{outputs}].", nameof(headWeight));
        WindowSize = windowSize;
        FeatureCount = featureCount;
        Horizon = horizon;
        Layers = layers.ToArray();
        HeadWeight = headWeight;
        HeadBias = headBias;
    }

    public int WindowSize { get; }
    public int FeatureCount { get; }
    public int Horizon { get; }
    public IReadOnlyList<LstmLayerWeights> Layers { get; }
    public int[] HiddenSizes => Layers.Select(l => l.HiddenSize).ToArray();
    public float[] HeadWeight { get; }
    public float[] HeadBias { get; }

    /// <summary>The quantile levels and conformal widths (<see cref="LstmIntervalHead.None"/> for a point model).</summary>
    public LstmIntervalHead Interval { get; }

    /// <summary>A copy with <paramref name="interval"/> (e.g. the conformal widths found after training).</summary>
    public LstmNetworkWeights With(LstmIntervalHead interval) =>
        new(WindowSize, FeatureCount, Horizon, Layers, HeadWeight, HeadBias, interval);
}

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
    string ScoreColumnName = "Score")
{
    /// <summary>The <c>mlnet_lstm.format</c> of the LSTM graph (written by the trainer's exporter).</summary>
    public const string OnnxFormat = "LstmForecaster";

    /// <summary>
    /// The <c>mlnet_lstm.version</c> of the LSTM graph: 2 since the graph turns a non-finite input into a NaN Score
    /// (version 1 could score such a window as a number); 3 since quantile and conformal models add the outputs
    /// <c>LowerBound</c>, <c>UpperBound</c> (and <c>Quantiles</c>) with the metadata <c>mlnet_lstm.quantile_levels</c>,
    /// <c>.conformal_level</c>, <c>.interval_level</c> and the initializer <c>conformal_width</c> (point models still
    /// write version 2: their graph is unchanged). Readers of saved graphs check against this constant.
    /// </summary>
    public const int OnnxFormatVersion = 3;

    /// <summary>The lower bound output column of quantile and conformal models.</summary>
    public const string LowerBoundColumnName = "LowerBound";

    /// <summary>The upper bound output column of quantile and conformal models.</summary>
    public const string UpperBoundColumnName = "UpperBound";

    /// <summary>The quantiles output column of quantile models (<c>[h, q]</c>, quantile-minor).</summary>
    public const string QuantilesColumnName = "Quantiles";

    public bool IsNormalized => ShiftColumnName is not null && ScaleColumnName is not null;

    public string[] InputColumnNames => IsNormalized
        ? new[] { FeatureColumnName, ShiftColumnName!, ScaleColumnName! }
        : new[] { FeatureColumnName };
}
