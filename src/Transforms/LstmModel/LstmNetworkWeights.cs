namespace MLNet.Lstm;

/// <summary>
/// A fitted network as plain arrays (no TorchSharp): stacked recurrent layers (<see cref="Cell"/>) and the linear head
/// <c>[Horizon, H + FutureSize]</c> over the last hidden state followed by the flattened future covariates, and the
/// optional seasonal structure (<see cref="Seasonality"/>: seasonal differences in, seasonal-naive skip out).
/// Used to write the ONNX graph, to warm-start a new fit and by tests that check the equations.
/// </summary>
internal sealed class LstmNetworkWeights
{
    public LstmNetworkWeights(int windowSize, int featureCount, int horizon, IReadOnlyList<LstmLayerWeights> layers, float[] headWeight, float[] headBias,
        RecurrentCell cell = RecurrentCell.Lstm, int futureSize = 0, LstmIntervalHead? interval = null, LstmSeasonality? seasonality = null)
    {
        int g = cell.GateCount();
        Seasonality = seasonality ?? LstmSeasonality.None;
        Seasonality.Validate(windowSize, horizon);
        if (futureSize < 0)
            throw new ArgumentOutOfRangeException(nameof(futureSize), futureSize, "The future covariate size must be 0 or positive.");
        Interval = interval ?? LstmIntervalHead.None;
        int outputs = horizon * Interval.QuantileCount;
        if (layers.Count == 0)
            throw new ArgumentException("An LSTM network needs at least one layer.", nameof(layers));
        int input = Seasonality.LayerInputSize(featureCount);
        foreach (var l in layers)
        {
            if (l.InputSize != input || l.WeightIh.Length != g * l.HiddenSize * l.InputSize
                || l.WeightHh.Length != g * l.HiddenSize * l.HiddenSize || l.BiasIh.Length != g * l.HiddenSize
                || l.BiasHh.Length != g * l.HiddenSize)
                throw new ArgumentException($"{cell} layer weights do not match input size {input} and hidden size {l.HiddenSize}.", nameof(layers));
            input = l.HiddenSize;
        }
        if (headWeight.Length != outputs * (input + futureSize) || headBias.Length != outputs)
            throw new ArgumentException($"Head weights must be [{outputs}, {input + futureSize}] and bias [{outputs}].", nameof(headWeight));
        Cell = cell;
        FutureSize = futureSize;
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

    /// <summary>The recurrent cell of the layers.</summary>
    public RecurrentCell Cell { get; }

    /// <summary>The number of future covariate values per window (h·C) the head reads after the hidden state; 0 for none.</summary>
    public int FutureSize { get; }

    /// <summary>
    /// The seasonal differences the layers read and the seasonal-naive skip added to the head
    /// (<see cref="LstmSeasonality.None"/> for the plain network); the first layer's input size is
    /// <see cref="LstmSeasonality.LayerInputSize"/> of <see cref="FeatureCount"/>.
    /// </summary>
    public LstmSeasonality Seasonality { get; }

    /// <summary>
    /// The member networks of a seed ensemble (<c>EnsembleSize</c> &gt; 1), whose outputs the graph averages; this
    /// object's own layers and head are the first member's. Empty for a single network.
    /// </summary>
    public IReadOnlyList<LstmNetworkWeights> Members { get; private init; } = Array.Empty<LstmNetworkWeights>();

    /// <summary>The number of networks averaged: 1, or the number of <see cref="Members"/>.</summary>
    public int EnsembleSize => Math.Max(1, Members.Count);

    /// <summary>Every network averaged: the members of an ensemble, or this network alone.</summary>
    public IReadOnlyList<LstmNetworkWeights> AllMembers => Members.Count > 0 ? Members : new[] { this };

    /// <summary>
    /// One network for <paramref name="members"/>: the single member itself, or an ensemble whose layers and head are
    /// the first member's and whose <see cref="Members"/> are all of them (same shapes required).
    /// </summary>
    public static LstmNetworkWeights Ensemble(IReadOnlyList<LstmNetworkWeights> members)
    {
        if (members.Count == 0)
            throw new ArgumentException("An ensemble needs at least one member network.", nameof(members));
        if (members.Count == 1)
            return members[0];
        var first = members[0];
        foreach (var m in members)
        {
            if (m.WindowSize != first.WindowSize || m.FeatureCount != first.FeatureCount || m.Horizon != first.Horizon
                || !m.HiddenSizes.SequenceEqual(first.HiddenSizes) || m.Cell != first.Cell || m.FutureSize != first.FutureSize
                || m.Interval.LevelsText != first.Interval.LevelsText || m.Seasonality != first.Seasonality || m.Members.Count > 0)
                throw new ArgumentException("The members of an ensemble must be single networks of one architecture.", nameof(members));
        }
        return new LstmNetworkWeights(first.WindowSize, first.FeatureCount, first.Horizon, first.Layers, first.HeadWeight, first.HeadBias,
            first.Cell, first.FutureSize, first.Interval, first.Seasonality)
        {
            Members = members.ToArray(),
        };
    }

    /// <summary>The quantile levels and conformal widths (<see cref="LstmIntervalHead.None"/> for a point model).</summary>
    public LstmIntervalHead Interval { get; }

    /// <summary>
    /// A copy with <paramref name="interval"/> (e.g. the conformal widths found after training), keeping the cell,
    /// the future size and the members (each member gets the same interval).
    /// </summary>
    public LstmNetworkWeights With(LstmIntervalHead interval) =>
        new(WindowSize, FeatureCount, Horizon, Layers, HeadWeight, HeadBias, Cell, FutureSize, interval, Seasonality)
        {
            Members = Members.Select(m => m.With(interval)).ToArray(),
        };
}
