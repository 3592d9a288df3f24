using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Lstm.Training;

/// <summary>
/// Stacked recurrent layers (one <c>nn.LSTM</c> or <c>nn.GRU</c> per layer so that widths may differ, see
/// <see cref="RecurrentLayers"/>), dropout between layers and before the head, and a linear head from the last step's
/// hidden state to the horizon's outputs. Input <c>[N, T, F]</c>, output <c>[N, h]</c>, or <c>[N, h·q]</c>
/// non-crossing quantiles (quantile-minor) for a quantile head (<see cref="QuantileHead"/>).
/// </summary>
/// <remarks>
/// Known-future covariates (<see cref="FutureSize"/> = h·C &gt; 0): the head reads the last hidden state ‖ the
/// flattened future values. Seasonal structure (<see cref="Seasonality"/>, period m): the layers read the seasonal
/// differences (or levels ‖ differences, or standardised differences) and each step's output gets the seasonal-naive
/// value added, so a zero head is the seasonal naive forecast; <see cref="SeasonalSkipOnnx"/> writes the same in ONNX.
/// See docs/trainer.md, "Seasonal period" and "Known-future covariates".
/// </remarks>
internal sealed class LstmNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<nn.Module> layers;
    private readonly Dropout dropout;
    private readonly Linear head;

    public LstmNetwork(int featureCount, IReadOnlyList<int> hiddenSizes, float dropoutRate, int horizon,
        RecurrentCell cell = RecurrentCell.Lstm, int futureSize = 0, float[]? quantileLevels = null,
        LstmSeasonality? seasonality = null, int targetIndex = 0)
        : base(nameof(LstmNetwork))
    {
        Seasonality = seasonality ?? LstmSeasonality.None;
        if (targetIndex < 0 || targetIndex >= featureCount)
            throw new ArgumentOutOfRangeException(nameof(targetIndex), targetIndex, $"The target index must be one of the {featureCount} features.");
        TargetIndex = targetIndex;
        Interval = new LstmIntervalHead(quantileLevels, null, null);
        FeatureCount = featureCount;
        HiddenSizes = hiddenSizes.ToArray();
        Horizon = horizon;
        Cell = cell;
        FutureSize = futureSize;
        layers = new ModuleList<nn.Module>();
        long input = Seasonality.LayerInputSize(featureCount);
        foreach (var h in hiddenSizes)
        {
            layers.Add(RecurrentLayers.Create(cell, input, h));
            input = h;
        }
        dropout = nn.Dropout(dropoutRate);
        head = nn.Linear(input + futureSize, horizon * Interval.QuantileCount);
        RegisterComponents();
    }

    public int FeatureCount { get; }
    public int[] HiddenSizes { get; }
    public int Horizon { get; }
    public RecurrentCell Cell { get; }

    /// <summary>h·C future covariate values per window read by the head, or 0.</summary>
    public int FutureSize { get; }

    /// <summary>The seasonal differences and skip, or <see cref="LstmSeasonality.None"/>.</summary>
    public LstmSeasonality Seasonality { get; }

    /// <summary>The index of the target among the window's features (the column the seasonal skip reads).</summary>
    public int TargetIndex { get; }

    /// <summary>The quantile levels of a quantile head (no conformal widths: those are found after training).</summary>
    public LstmIntervalHead Interval { get; }

    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>The training forward: windows <c>[N, T, F]</c> and, when the network has them, future covariates <c>[N, h·C]</c>.</summary>
    public Tensor Forward(Tensor x, Tensor? future)
    {
        if ((future is null) != (FutureSize == 0))
            throw new InvalidOperationException($"The network reads {FutureSize} future covariate values per window, but was given {(future is null ? "none" : future.shape[^1].ToString())}.");
        var (y, standardization) = SeasonalLayerInput(x);
        for (int i = 0; i < layers.Count; i++)
        {
            var output = RecurrentLayers.Run(layers[i], y);
            y = i < layers.Count - 1 ? dropout.call(output) : output;
        }
        var last = y.select(1, -1);
        var headInput = dropout.call(last);
        var result = QuantileHead.NonCrossing(head.call(future is null ? headInput : cat(new[] { headInput, future }, 1)), Interval, Horizon);
        if (!Seasonality.IsOn)
            return result;
        if (standardization is null)
            return result + SeasonalSkip(x, null);
        var (mean, std) = standardization.Value;
        var scale = std.select(2, TargetIndex); // [N, 1]
        return result * scale + SeasonalSkip(x, mean.select(2, TargetIndex));
    }

    /// <summary>
    /// What the layers read: the window itself, or its seasonal differences (‖ the levels they belong to), or the
    /// differences standardised per window and column (with their mean and deviation <c>[N, 1, F]</c>).
    /// </summary>
    private (Tensor Input, (Tensor Mean, Tensor Std)? Standardization) SeasonalLayerInput(Tensor x)
    {
        if (!Seasonality.IsOn)
            return (x, null);
        int m = Seasonality.Period;
        long steps = x.shape[1] - m;
        var current = x.narrow(1, m, steps);
        var differences = current - x.narrow(1, 0, steps);
        switch (Seasonality.Input)
        {
            case SeasonalNetworkInput.LevelsAndDifferences:
                return (cat(new[] { current, differences }, 2), null);
            case SeasonalNetworkInput.StandardizedDifferences:
                var mean = differences.mean(new long[] { 1 }, keepdim: true);
                var centered = differences - mean;
                var std = (centered * centered).mean(new long[] { 1 }, keepdim: true).sqrt();
                std = where(std.eq(0), ones_like(std), std);
                return (centered / std, (mean, std));
            default:
                return (differences, null);
        }
    }

    /// <summary>
    /// The seasonal-naive values <c>x[T − m + (k mod m), target]</c> (<see cref="LstmSeasonality.NaiveSteps"/>; plus
    /// <paramref name="drift"/> <c>[N, 1]</c>, the target's mean difference, when given), k = 0 .. h−1, repeated for each
    /// quantile: <c>[N, h·q]</c>.
    /// </summary>
    private Tensor SeasonalSkip(Tensor x, Tensor? drift)
    {
        int t = (int)x.shape[1];
        var target = x.select(2, TargetIndex); // [N, T]
        var naive = Horizon <= Seasonality.Period
            ? target.narrow(1, t - Seasonality.Period, Horizon)
            : target.index_select(1, tensor(Seasonality.NaiveSteps(t, Horizon), device: x.device)); // [N, h]
        if (drift is not null)
            naive = naive + drift;
        int q = Interval.QuantileCount;
        return q == 1 ? naive : naive.unsqueeze(2).expand(-1, Horizon, q).reshape(-1, Horizon * q);
    }

    /// <summary>
    /// The evaluation forward that every caller must use (validation loss, parity tests): dropout off (eval mode,
    /// the previous mode is restored), autograd ON, no backward. Call it inside a dispose scope: the returned
    /// predictions are detached, and the autograd graph of the call is freed with the scope's tensors.
    /// </summary>
    /// <remarks>
    /// Autograd stays on because LibTorch's float32 oneDNN LSTM inference kernel (<c>no_grad</c>) is wrong on some
    /// AVX-512 CPUs; see docs/trainer.md, "Known platform issues". Do not add a <c>no_grad</c> forward.
    /// </remarks>
    /// <param name="x">Windows <c>[N, T, F]</c> on the network's device.</param>
    /// <param name="future">Future covariates <c>[N, h·C]</c> when the network has them.</param>
    /// <returns>Predictions <c>[N, h]</c>, detached.</returns>
    internal Tensor ForwardForEvaluation(Tensor x, Tensor? future = null)
    {
        bool wasTraining = training;
        eval();
        try
        {
            using var _ = enable_grad();
            return Forward(x, future).detach();
        }
        finally
        {
            if (wasTraining)
                train();
        }
    }

    /// <summary>Copies the parameters to plain arrays (PyTorch layout).</summary>
    public LstmNetworkWeights GetWeights(int windowSize)
    {
        using var _ = no_grad();
        var p = named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        // The detached / host / contiguous copies made to read the values die here, not at the end of the caller's
        // scope (a Fit takes a snapshot at every improving epoch).
        using var copies = NewDisposeScope();
        static float[] Read(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();
        var list = new List<LstmLayerWeights>();
        int input = Seasonality.LayerInputSize(FeatureCount);
        for (int i = 0; i < HiddenSizes.Length; i++)
        {
            list.Add(new LstmLayerWeights(input, HiddenSizes[i],
                Read(p[$"layers.{i}.weight_ih_l0"]), Read(p[$"layers.{i}.weight_hh_l0"]),
                Read(p[$"layers.{i}.bias_ih_l0"]), Read(p[$"layers.{i}.bias_hh_l0"])));
            input = HiddenSizes[i];
        }
        return new LstmNetworkWeights(windowSize, FeatureCount, Horizon, list, Read(p["head.weight"]), Read(p["head.bias"]), Cell, FutureSize, Interval, Seasonality);
    }

    /// <summary>Overwrites the parameters with <paramref name="weights"/> (same architecture required).</summary>
    public void SetWeights(LstmNetworkWeights weights)
    {
        if (weights.Interval.QuantileCount != Interval.QuantileCount)
            throw new InvalidOperationException(
                $"The initial model's head predicts {weights.Interval.QuantileCount} value(s) per step (quantiles [{weights.Interval.LevelsText}]), " +
                $"this trainer's {Interval.QuantileCount} (quantiles [{Interval.LevelsText}]). Warm-start from a model with the same Quantiles.");
        if (weights.FeatureCount != FeatureCount || weights.Horizon != Horizon || !weights.HiddenSizes.SequenceEqual(HiddenSizes)
            || weights.Cell != Cell || weights.FutureSize != FutureSize || weights.Seasonality != Seasonality)
            throw new InvalidOperationException(
                $"The initial model's network ({weights.Cell}, features {weights.FeatureCount}, hidden sizes [{string.Join(", ", weights.HiddenSizes)}], horizon {weights.Horizon}, future values {weights.FutureSize}, seasonal {weights.Seasonality}) " +
                $"does not match this trainer's ({Cell}, features {FeatureCount}, hidden sizes [{string.Join(", ", HiddenSizes)}], horizon {Horizon}, future values {FutureSize}, seasonal {Seasonality}). " +
                "Warm-start from a model with the same architecture (with an automatic SeasonalPeriod, set the initial model's period explicitly: InitialModel.Settings.SeasonalPeriod).");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var p = named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        static void Write(Tensor target, float[] values)
        {
            using var src = tensor(values).reshape(target.shape).to(target.device);
            target.copy_(src);
        }
        for (int i = 0; i < HiddenSizes.Length; i++)
        {
            var l = weights.Layers[i];
            Write(p[$"layers.{i}.weight_ih_l0"], l.WeightIh);
            Write(p[$"layers.{i}.weight_hh_l0"], l.WeightHh);
            Write(p[$"layers.{i}.bias_ih_l0"], l.BiasIh);
            Write(p[$"layers.{i}.bias_hh_l0"], l.BiasHh);
        }
        Write(p["head.weight"], weights.HeadWeight);
        Write(p["head.bias"], weights.HeadBias);
    }
}
