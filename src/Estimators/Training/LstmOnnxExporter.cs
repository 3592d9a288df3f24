using System.Globalization;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm.Training;

/// <summary>
/// Writes a fitted LSTM or GRU network (single, seed ensemble, seasonal, with or without bounds) as an ONNX graph of
/// format <c>LstmForecaster</c> that ML.NET's <c>OnnxTransformer</c> (ONNX Runtime) scores.
/// </summary>
/// <remarks>
/// Inputs: the window column (float <c>[N, T*F]</c>, time-major), the shift and scale columns when normalised, and the
/// future covariate column when there is one. Outputs: <c>Score</c> (<c>[N]</c> for h = 1, <c>[N, h]</c> otherwise),
/// plus <c>LowerBound</c>, <c>UpperBound</c> and <c>Quantiles</c> for models with bounds; a window holding a non-finite
/// value scores NaN. The nodes, the metadata (<c>mlnet_lstm.*</c>) and which model writes which version: see
/// docs/trainer.md, "Persistence format".
/// </remarks>
internal static class LstmOnnxExporter
{
    public const string Format = LstmScoringLayout.OnnxFormat;
    public const int Version = LstmScoringLayout.OnnxFormatVersion;

    /// <summary>The version written for a single point LSTM network without future covariates (2).</summary>
    public const int SingleNetworkVersion = 2;

    /// <summary>The graph's bool <c>[1]</c> value that is true when the batch has 0 rows (the recurrent layers' <c>If</c>).</summary>
    private const string EmptyBatchCondition = "batch_is_empty";

    public static byte[] Export(LstmNetworkWeights net, LstmScoringLayout layout)
    {
        var b = new OnnxModelBuilder("lstm_forecaster");
        string window = AddInputs(b, net, layout);
        string p = AddNetworks(b, net, layout, window);
        if (layout.IsNormalized)
            p = WindowNormalizer.AddDenormalize(b, p, layout.ShiftColumnName!, layout.ScaleColumnName!, layout.TargetIndex);
        p = b.AddNode("Add", new[] { p, AddInputCheck(b, layout, window) }, new[] { "score_checked" });
        AddOutputs(b, net, layout, p);
        AddMetadata(b, net, layout);
        return b.Build($"{net.Cell.OnnxOperator()} forecaster: window [{net.WindowSize}, {net.FeatureCount}], hidden [{string.Join(", ", net.HiddenSizes)}], horizon {net.Horizon}" +
            (layout.HasFuture ? $", future covariates [{net.FutureSize}]" : "") +
            (net.Seasonality.IsOn ? $", seasonal period {net.Seasonality.Period} ({net.Seasonality.Input})." : "."));
    }

    /// <summary>The window input (and shift, scale and future inputs when the model has them); returns the window's name.</summary>
    private static string AddInputs(OnnxModelBuilder b, LstmNetworkWeights net, LstmScoringLayout layout)
    {
        int t = net.WindowSize, f = net.FeatureCount;
        string window = b.AddInput(layout.FeatureColumnName, OnnxElementType.Float, OnnxDim.Batch, (long)t * f);
        if (layout.IsNormalized)
        {
            b.AddInput(layout.ShiftColumnName!, OnnxElementType.Float, OnnxDim.Batch, f);
            b.AddInput(layout.ScaleColumnName!, OnnxElementType.Float, OnnxDim.Batch, f);
        }
        if (layout.HasFuture != (net.FutureSize > 0) || layout.HasFuture && layout.FutureSize != net.FutureSize)
            throw new ArgumentException($"The scoring layout's future input ({layout.FutureColumnName ?? "none"}, {layout.FutureSize} values) does not match the network's {net.FutureSize} future values.", nameof(layout));
        if (layout.HasFuture)
            b.AddInput(layout.FutureColumnName!, OnnxElementType.Float, OnnxDim.Batch, net.FutureSize);
        return window;
    }

    /// <summary>
    /// The window reshaped to <c>[T, N, F]</c>, the member network(s) (averaged by a <c>Mean</c> for an ensemble) and the
    /// interval bands; returns the prediction in normalised units, <c>[N, h]</c> or the bands' tensor.
    /// </summary>
    private static string AddNetworks(OnnxModelBuilder b, LstmNetworkWeights net, LstmScoringLayout layout, string window)
    {
        b.AddInt64Vector("shape_ntf", -1, net.WindowSize, net.FeatureCount);
        b.AddInt64Vector("axes_0", 0);
        b.AddInt64Vector("axes_1", 1);
        string x = b.AddNode("Reshape", new[] { window, "shape_ntf" }, new[] { "window_ntf" });
        string windowNtf = x;
        x = b.AddNode("Transpose", new[] { x }, new[] { "window_tnf" }, OnnxAttribute.Of("perm", new long[] { 1, 0, 2 }));
        AddEmptyBatchCondition(b, x);
        var seasonalInput = SeasonalSkipOnnx.AddLayerInput(b, net.Seasonality, x, net.WindowSize);
        x = seasonalInput.LayerInput;
        var naive = SeasonalSkipOnnx.AddNaive(b, net.Seasonality, seasonalInput, windowNtf, net.WindowSize, net.Horizon, layout.TargetIndex,
            quantileHead: net.Interval.QuantileLevels is not null);

        string? future = layout.HasFuture ? layout.FutureColumnName : null;
        IntervalHeadOnnx.AddShared(b, net.Interval, net.Horizon);
        string p;
        if (net.EnsembleSize == 1)
            p = AddMember(b, net, x, future, naive, "");
        else
        {
            var outputs = net.Members.Select((member, i) => AddMember(b, member, x, future, naive, $"m{i}_")).ToArray();
            p = b.AddNode("Mean", outputs, new[] { "ensemble_mean" });
        }
        return net.Interval.HasBounds ? IntervalHeadOnnx.AddBands(b, p, net.Interval, net.Horizon) : p;
    }

    /// <summary><see cref="EmptyBatchCondition"/>: whether the transposed window <c>[T, N, F]</c> has 0 rows (bool <c>[1]</c>).</summary>
    private static void AddEmptyBatchCondition(OnnxModelBuilder b, string windowTnf)
    {
        string rows = b.AddNode("Shape", new[] { windowTnf }, new[] { "batch_rows" }, OnnxAttribute.Of("start", 1L), OnnxAttribute.Of("end", 2L));
        b.AddInt64Vector("zero_rows", 0);
        b.AddNode("Equal", new[] { rows, "zero_rows" }, new[] { EmptyBatchCondition });
    }

    /// <summary>
    /// ONNX Runtime's LSTM turns NaN inputs into finite outputs: a term that is 0 for a row whose inputs (window, shift,
    /// scale, future) are all finite and NaN otherwise, added to the prediction.
    /// </summary>
    private static string AddInputCheck(OnnxModelBuilder b, LstmScoringLayout layout, string window)
    {
        string check = OnnxNonFinite.AddZeroOrNaN(b, window, axis: 1, "window_check");
        if (layout.IsNormalized)
        {
            string shiftCheck = OnnxNonFinite.AddZeroOrNaN(b, layout.ShiftColumnName!, axis: 1, "shift_check");
            string scaleCheck = OnnxNonFinite.AddZeroOrNaN(b, layout.ScaleColumnName!, axis: 1, "scale_check");
            check = b.AddNode("Add", new[] { check, shiftCheck }, new[] { "input_check_1" });
            check = b.AddNode("Add", new[] { check, scaleCheck }, new[] { "input_check" });
        }
        if (layout.HasFuture)
        {
            string futureCheck = OnnxNonFinite.AddZeroOrNaN(b, layout.FutureColumnName!, axis: 1, "future_check");
            check = b.AddNode("Add", new[] { check, futureCheck }, new[] { "input_check_future" });
        }
        return check;
    }

    /// <summary><c>Score</c> (<c>[N]</c> for h = 1, else <c>[N, h]</c>), or the interval model's outputs.</summary>
    private static void AddOutputs(OnnxModelBuilder b, LstmNetworkWeights net, LstmScoringLayout layout, string p)
    {
        string score = layout.ScoreColumnName;
        int h = net.Horizon;
        if (net.Interval.HasBounds)
            IntervalHeadOnnx.AddOutputs(b, p, net.Interval, h, score);
        else if (h == 1)
        {
            b.AddInt64Vector("shape_n", -1);
            b.AddNode("Reshape", new[] { p, "shape_n" }, new[] { score });
            b.AddOutput(score, OnnxElementType.Float, OnnxDim.Batch);
        }
        else
        {
            b.AddNode("Identity", new[] { p }, new[] { score });
            b.AddOutput(score, OnnxElementType.Float, OnnxDim.Batch, h);
        }
    }

    /// <summary>The graph's <c>mlnet_lstm.*</c> metadata (docs/trainer.md, "Persistence format").</summary>
    private static void AddMetadata(OnnxModelBuilder b, LstmNetworkWeights net, LstmScoringLayout layout)
    {
        var inv = CultureInfo.InvariantCulture;
        b.SetMetadata("mlnet_lstm.format", Format);
        // A single point LSTM without future covariates is the version-2 graph (readers from before GRU, future
        // covariates, ensembles and bounds load it); any of those needs version 3.
        // A seasonal network needs version 4 (a version-3 reader would misread its weights).
        bool needsVersion3 = net.EnsembleSize > 1 || net.Cell != RecurrentCell.Lstm || net.FutureSize > 0 || net.Interval.HasBounds;
        int version = net.Seasonality.IsOn ? Version : needsVersion3 ? LstmScoringLayout.ExtendedFormatVersion : SingleNetworkVersion;
        b.SetMetadata("mlnet_lstm.version", version.ToString(inv));
        b.SetMetadata("mlnet_lstm.window_size", net.WindowSize.ToString(inv));
        b.SetMetadata("mlnet_lstm.feature_count", net.FeatureCount.ToString(inv));
        b.SetMetadata("mlnet_lstm.horizon", net.Horizon.ToString(inv));
        b.SetMetadata("mlnet_lstm.hidden_sizes", string.Join(",", net.HiddenSizes.Select(v => v.ToString(inv))));
        b.SetMetadata("mlnet_lstm.normalization", layout.NormalizationMode ?? "None");
        b.SetMetadata("mlnet_lstm.target_index", layout.TargetIndex.ToString(inv));
        b.SetMetadata("mlnet_lstm.feature_column", layout.FeatureColumnName);
        b.SetMetadata("mlnet_lstm.label_column", layout.LabelColumnName);
        b.SetMetadata("mlnet_lstm.score_column", layout.ScoreColumnName);
        if (net.EnsembleSize > 1)
            b.SetMetadata("mlnet_lstm.ensemble_size", net.EnsembleSize.ToString(inv));
        if (layout.IsNormalized)
        {
            b.SetMetadata("mlnet_lstm.shift_column", layout.ShiftColumnName!);
            b.SetMetadata("mlnet_lstm.scale_column", layout.ScaleColumnName!);
        }
        b.SetMetadata("mlnet_lstm.cell", net.Cell.ToString());
        if (layout.HasFuture)
        {
            b.SetMetadata("mlnet_lstm.future_column", layout.FutureColumnName!);
            b.SetMetadata("mlnet_lstm.future_size", net.FutureSize.ToString(inv));
        }
        IntervalHeadOnnx.AddMetadata(b, net.Interval);
        SeasonalSkipOnnx.AddMetadata(b, net.Seasonality);
    }

    /// <summary>
    /// One member network from the transposed window <paramref name="x"/> <c>[T, N, F]</c> to its head's output
    /// <c>[N, h]</c> (a quantile model: its non-crossing quantiles <c>[N, h, q]</c>): the recurrent layers, the last
    /// hidden state (concatenated with <paramref name="future"/> when the model has future covariates), the head
    /// <c>[N, h·q]</c> and the non-crossing transform. Every node and initializer name starts with
    /// <paramref name="prefix"/> (empty for a single network).
    /// </summary>
    private static string AddMember(OnnxModelBuilder b, LstmNetworkWeights net, string x, string? future, SeasonalSkipNodes? naive, string prefix)
    {
        int hq = net.Horizon * net.Interval.QuantileCount;
        string last = AddRecurrentLayers(b, net, x, prefix);
        if (future is not null)
            last = b.AddNode("Concat", new[] { last, future }, new[] { $"{prefix}head_input" }, OnnxAttribute.Of("axis", 1L));
        int hl = net.Layers[^1].HiddenSize + net.FutureSize;
        var wt = new float[hl * hq];
        for (int o = 0; o < hq; o++)
            for (int j = 0; j < hl; j++)
                wt[j * hq + o] = net.HeadWeight[o * hl + j];
        b.AddInitializer($"{prefix}head_W", wt, new long[] { hl, hq });
        b.AddInitializer($"{prefix}head_b", (float[])net.HeadBias.Clone(), new long[] { hq });
        string p = b.AddNode("MatMul", new[] { last, $"{prefix}head_W" }, new[] { $"{prefix}head_mm" });
        p = b.AddNode("Add", new[] { p, $"{prefix}head_b" }, new[] { $"{prefix}head_out" });
        return SeasonalSkipOnnx.AddSkip(b, IntervalHeadOnnx.AddNonCrossing(b, p, net.Interval, prefix), naive, prefix);
    }

    /// <summary>
    /// The recurrent layers of one network, returning its last hidden state <c>[N, H]</c>. ONNX Runtime's LSTM and GRU
    /// kernels abort the process on a batch of 0 rows, so the layers sit in the <c>else_branch</c> of an <c>If</c> on
    /// <see cref="EmptyBatchCondition"/>, whose <c>then_branch</c> gives an empty <c>[0, H]</c> (ConstantOfShape). The
    /// weights stay initializers of the main graph, which the branch reads by name.
    /// </summary>
    private static string AddRecurrentLayers(OnnxModelBuilder b, LstmNetworkWeights net, string x, string prefix)
    {
        int hidden = net.Layers[^1].HiddenSize;
        var layers = b.Branch($"{prefix}recurrent_layers");
        string last = AddLayerNodes(b, layers, net, x, prefix);
        layers.AddOutput(last, OnnxElementType.Float, OnnxDim.Batch, hidden);
        var empty = b.Branch($"{prefix}empty_batch");
        string emptyShape = b.AddInt64Vector($"{prefix}empty_hidden_shape", 0, hidden);
        string emptyHidden = empty.AddNode("ConstantOfShape", new[] { emptyShape }, new[] { $"{prefix}empty_hidden" });
        empty.AddOutput(emptyHidden, OnnxElementType.Float, OnnxDim.Batch, hidden);
        return b.AddNode("If", new[] { EmptyBatchCondition }, new[] { $"{prefix}last_hidden" },
            OnnxAttribute.Of("then_branch", empty.BuildBranch()), OnnxAttribute.Of("else_branch", layers.BuildBranch()));
    }

    /// <summary>
    /// The LSTM or GRU nodes of one network, added to <paramref name="layers"/> (their weights to <paramref name="b"/>);
    /// returns the last layer's hidden state squeezed to <c>[N, H]</c>.
    /// </summary>
    private static string AddLayerNodes(OnnxModelBuilder b, OnnxModelBuilder layers, LstmNetworkWeights net, string x, string prefix)
    {
        var cell = net.Cell;
        int g = cell.GateCount();
        var order = cell.OnnxFromPyTorch();
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            int hs = layer.HiddenSize, input = layer.InputSize;
            string name = prefix + cell.OnnxPrefix(l);
            string w = b.AddInitializer($"{name}_W", ReorderGates(layer.WeightIh, hs, input, order), new long[] { 1, g * hs, input });
            string r = b.AddInitializer($"{name}_R", ReorderGates(layer.WeightHh, hs, hs, order), new long[] { 1, g * hs, hs });
            var bias = ReorderGates(layer.BiasIh, hs, 1, order).Concat(ReorderGates(layer.BiasHh, hs, 1, order)).ToArray();
            string bb = b.AddInitializer($"{name}_B", bias, new long[] { 1, 2 * g * hs });
            bool isLast = l == net.Layers.Count - 1;
            var outputs = isLast ? new[] { "", $"{name}_Y_h" } : new[] { $"{name}_Y" };
            var attributes = cell == RecurrentCell.Gru
                ? new[] { OnnxAttribute.Of("hidden_size", (long)hs), OnnxAttribute.Of("linear_before_reset", 1L) }
                : new[] { OnnxAttribute.Of("hidden_size", (long)hs) };
            layers.AddNode(cell.OnnxOperator(), new[] { x, w, r, bb }, outputs, attributes);
            if (isLast)
                return layers.AddNode("Squeeze", new[] { $"{name}_Y_h", "axes_0" }, new[] { $"{prefix}layers_hidden" });
            x = layers.AddNode("Squeeze", new[] { $"{name}_Y", "axes_1" }, new[] { $"{name}_out" });
        }
        throw new ArgumentException("A network needs at least one recurrent layer.", nameof(net));
    }

    /// <summary>PyTorch's gate blocks (i, f, g, o) of <paramref name="hidden"/> rows each → ONNX's (i, o, f, c).</summary>
    internal static float[] ReorderGates(float[] source, int hidden, int columns) =>
        ReorderGates(source, hidden, columns, RecurrentCell.Lstm.OnnxFromPyTorch());

    /// <summary>PyTorch's gate blocks → ONNX's: ONNX block k is PyTorch's block <paramref name="fromPyTorch"/>[k].</summary>
    internal static float[] ReorderGates(float[] source, int hidden, int columns, int[] fromPyTorch)
    {
        int block = hidden * columns;
        var result = new float[source.Length];
        for (int k = 0; k < fromPyTorch.Length; k++)
            Array.Copy(source, fromPyTorch[k] * block, result, k * block, block);
        return result;
    }
}
