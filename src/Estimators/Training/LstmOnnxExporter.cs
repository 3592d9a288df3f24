using System.Globalization;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm.Training;

/// <summary>
/// Writes a fitted LSTM network as an ONNX graph that ML.NET's <c>OnnxTransformer</c> (ONNX Runtime) scores.
/// </summary>
/// <remarks>
/// <para>Graph format <c>LstmForecaster</c>, version 2 for point models and 3 for models with bounds (model metadata <c>mlnet_lstm.format</c> /
/// <c>mlnet_lstm.version</c>). Version 2 adds the non-finite check below (version 1 could score a window holding NaN
/// or ±∞ as a finite number).</para>
/// <list type="bullet">
/// <item>Inputs: the window column (name = the feature column's name, float <c>[N, T*F]</c>, time-major); when the
/// window was normalised also the shift and scale columns (float <c>[N, F]</c>, names from the window's
/// annotations).</item>
/// <item>Body: Reshape <c>[N, T, F]</c> → Transpose <c>[T, N, F]</c> → one ONNX <c>LSTM</c> node per layer
/// (forward, gates i,o,f,c, <c>B</c> = input bias ‖ recurrent bias; <c>Y</c> squeezed to <c>[T, N, H]</c> between
/// layers) → the last layer's <c>Y_h</c> squeezed to <c>[N, H]</c> → MatMul + Add head <c>[N, h]</c> → when
/// normalised, <c>p * scale[:, target] + shift[:, target]</c> (<c>WindowNormalizer.AddDenormalize</c>) → plus
/// <c>ReduceSum(x · 0)</c> over each input row (window, shift, scale): 0 when every input value is finite, NaN
/// otherwise, so a window that cannot be scored gets a NaN <c>Score</c>. Dropout is omitted (inference).</item>
/// <item>Output <c>Score</c>: float <c>[N]</c> for h = 1, <c>[N, h]</c> otherwise.</item>
/// <item>Version 3, quantile and conformal models only (<see cref="IntervalHeadOnnx"/>): the head is
/// <c>[N, h·q]</c>; the non-crossing transform (Reshape <c>[N, h, q]</c>, Softplus, MatMul with the constant
/// <c>q_noncrossing</c>, plus the raw median), the conformal widths (initializer <c>conformal_width</c> <c>[h]</c>,
/// normalised units), the de-normalisation and the check on median ‖ lower ‖ upper ‖ quantiles; outputs
/// <c>LowerBound</c>, <c>UpperBound</c> shaped like <c>Score</c>, and <c>Quantiles</c> <c>[N, h, q]</c>; metadata
/// <c>mlnet_lstm.quantile_levels</c> (comma-separated), <c>.conformal_level</c>, <c>.interval_level</c>.</item>
/// <item>Metadata: <c>mlnet_lstm.window_size</c>, <c>.feature_count</c>, <c>.horizon</c>, <c>.hidden_sizes</c>
/// (comma-separated), <c>.normalization</c> (mode or <c>None</c>), <c>.target_index</c>,
/// <c>.feature_column</c>, <c>.label_column</c>, <c>.shift_column</c>, <c>.scale_column</c>,
/// <c>.score_column</c>.</item>
/// </list>
/// </remarks>
internal static class LstmOnnxExporter
{
    public const string Format = LstmScoringLayout.OnnxFormat;
    public const int Version = LstmScoringLayout.OnnxFormatVersion;

    public static byte[] Export(LstmNetworkWeights net, LstmScoringLayout layout)
    {
        var inv = CultureInfo.InvariantCulture;
        int t = net.WindowSize, f = net.FeatureCount, h = net.Horizon;
        var b = new OnnxModelBuilder("lstm_forecaster");
        string window = b.AddInput(layout.FeatureColumnName, OnnxElementType.Float, OnnxDim.Batch, (long)t * f);
        if (layout.IsNormalized)
        {
            b.AddInput(layout.ShiftColumnName!, OnnxElementType.Float, OnnxDim.Batch, f);
            b.AddInput(layout.ScaleColumnName!, OnnxElementType.Float, OnnxDim.Batch, f);
        }

        b.AddInt64Vector("shape_ntf", -1, t, f);
        b.AddInt64Vector("axes_0", 0);
        b.AddInt64Vector("axes_1", 1);
        string x = b.AddNode("Reshape", new[] { window, "shape_ntf" }, new[] { "window_ntf" });
        x = b.AddNode("Transpose", new[] { x }, new[] { "window_tnf" }, OnnxAttribute.Of("perm", new long[] { 1, 0, 2 }));

        string last = "";
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            int hs = layer.HiddenSize, input = layer.InputSize;
            string w = b.AddInitializer($"lstm{l}_W", ReorderGates(layer.WeightIh, hs, input), new long[] { 1, 4 * hs, input });
            string r = b.AddInitializer($"lstm{l}_R", ReorderGates(layer.WeightHh, hs, hs), new long[] { 1, 4 * hs, hs });
            var bias = ReorderGates(layer.BiasIh, hs, 1).Concat(ReorderGates(layer.BiasHh, hs, 1)).ToArray();
            string bb = b.AddInitializer($"lstm{l}_B", bias, new long[] { 1, 8 * hs });
            bool isLast = l == net.Layers.Count - 1;
            var outputs = isLast ? new[] { "", $"lstm{l}_Y_h" } : new[] { $"lstm{l}_Y" };
            b.AddNode("LSTM", new[] { x, w, r, bb }, outputs, OnnxAttribute.Of("hidden_size", (long)hs));
            if (isLast)
                last = b.AddNode("Squeeze", new[] { $"lstm{l}_Y_h", "axes_0" }, new[] { "last_hidden" });
            else
                x = b.AddNode("Squeeze", new[] { $"lstm{l}_Y", "axes_1" }, new[] { $"lstm{l}_out" });
        }

        int hl = net.Layers[^1].HiddenSize, hq = h * net.Interval.QuantileCount;
        var wt = new float[hl * hq];
        for (int o = 0; o < hq; o++)
            for (int j = 0; j < hl; j++)
                wt[j * hq + o] = net.HeadWeight[o * hl + j];
        b.AddInitializer("head_W", wt, new long[] { hl, hq });
        b.AddInitializer("head_b", (float[])net.HeadBias.Clone(), new long[] { hq });
        string p = b.AddNode("MatMul", new[] { last, "head_W" }, new[] { "head_mm" });
        p = b.AddNode("Add", new[] { p, "head_b" }, new[] { "head_out" });
        if (net.Interval.HasBounds)
            p = IntervalHeadOnnx.AddBands(b, p, net.Interval, h);

        if (layout.IsNormalized)
            p = WindowNormalizer.AddDenormalize(b, p, layout.ShiftColumnName!, layout.ScaleColumnName!, layout.TargetIndex);

        // ONNX Runtime's LSTM turns NaN inputs into finite outputs: add 0 for a finite input row, NaN otherwise.
        string check = OnnxNonFinite.AddZeroOrNaN(b, window, axis: 1, "window_check");
        if (layout.IsNormalized)
        {
            string shiftCheck = OnnxNonFinite.AddZeroOrNaN(b, layout.ShiftColumnName!, axis: 1, "shift_check");
            string scaleCheck = OnnxNonFinite.AddZeroOrNaN(b, layout.ScaleColumnName!, axis: 1, "scale_check");
            check = b.AddNode("Add", new[] { check, shiftCheck }, new[] { "input_check_1" });
            check = b.AddNode("Add", new[] { check, scaleCheck }, new[] { "input_check" });
        }
        p = b.AddNode("Add", new[] { p, check }, new[] { "score_checked" });

        string score = layout.ScoreColumnName;
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

        b.SetMetadata("mlnet_lstm.format", Format);
        b.SetMetadata("mlnet_lstm.version", IntervalHeadOnnx.FormatVersion(net.Interval).ToString(inv));
        b.SetMetadata("mlnet_lstm.window_size", t.ToString(inv));
        b.SetMetadata("mlnet_lstm.feature_count", f.ToString(inv));
        b.SetMetadata("mlnet_lstm.horizon", h.ToString(inv));
        b.SetMetadata("mlnet_lstm.hidden_sizes", string.Join(",", net.HiddenSizes.Select(v => v.ToString(inv))));
        b.SetMetadata("mlnet_lstm.normalization", layout.NormalizationMode ?? "None");
        b.SetMetadata("mlnet_lstm.target_index", layout.TargetIndex.ToString(inv));
        b.SetMetadata("mlnet_lstm.feature_column", layout.FeatureColumnName);
        b.SetMetadata("mlnet_lstm.label_column", layout.LabelColumnName);
        b.SetMetadata("mlnet_lstm.score_column", score);
        if (layout.IsNormalized)
        {
            b.SetMetadata("mlnet_lstm.shift_column", layout.ShiftColumnName!);
            b.SetMetadata("mlnet_lstm.scale_column", layout.ScaleColumnName!);
        }
        IntervalHeadOnnx.AddMetadata(b, net.Interval);
        return b.Build($"LSTM forecaster: window [{t}, {f}], hidden [{string.Join(", ", net.HiddenSizes)}], horizon {h}.");
    }

    /// <summary>PyTorch's gate blocks (i, f, g, o) of <paramref name="hidden"/> rows each → ONNX's (i, o, f, c).</summary>
    internal static float[] ReorderGates(float[] source, int hidden, int columns)
    {
        int block = hidden * columns;
        var result = new float[source.Length];
        int[] fromPyTorch = { 0, 3, 1, 2 };
        for (int k = 0; k < 4; k++)
            Array.Copy(source, fromPyTorch[k] * block, result, k * block, block);
        return result;
    }
}
