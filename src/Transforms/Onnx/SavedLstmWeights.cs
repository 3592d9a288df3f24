using System.Runtime.InteropServices;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Reads a saved LSTM forecaster graph's weights back from its initializers into <see cref="LstmNetworkWeights"/>
/// (PyTorch's layout), the inverse of the trainer's exporter: per layer <c>lstm{l}_W</c>, <c>_R</c>, <c>_B</c> (or
/// <c>gru{l}_*</c>) with ONNX's gate order, the head <c>head_W</c>, <c>head_b</c>, members prefixed <c>m{i}_</c>.
/// Shapes and the seasonal inputs: docs/trainer.md, 'Persistence format'.
/// </summary>
internal static class SavedLstmWeights
{
    /// <summary>The architecture the metadata describes, which the initializers must match.</summary>
    public sealed record Shape(int WindowSize, int FeatureCount, int Horizon, int[] HiddenSizes,
        RecurrentCell Cell = RecurrentCell.Lstm, int FutureSize = 0, int EnsembleSize = 1, LstmIntervalHead? Interval = null,
        LstmSeasonality? Seasonality = null);

    public static LstmNetworkWeights Read(SavedGraph graph, Shape shape)
    {
        var proto = ModelProto.Parser.ParseFrom(graph.Model).Graph;
        CheckStandardization(graph, proto, shape.Seasonality ?? LstmSeasonality.None);
        var initializers = proto.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        if (shape.EnsembleSize == 1)
            return ReadMember(graph, initializers, "", shape);
        return LstmNetworkWeights.Ensemble(Enumerable.Range(0, shape.EnsembleSize)
            .Select(i => ReadMember(graph, initializers, $"m{i}_", shape)).ToArray());
    }

    /// <summary>
    /// Standardised differences have the same weight shapes as plain ones, so the metadata must agree with the graph's
    /// nodes: the graph standardises (a node writes <c>seasonal_standardized</c>) exactly when
    /// <c>mlnet_lstm.seasonal_input</c> is <c>StandardizedDifferences</c>.
    /// </summary>
    private static void CheckStandardization(SavedGraph graph, GraphProto proto, LstmSeasonality seasonality)
    {
        bool standardizes = proto.Node.Any(n => n.Output.Contains("seasonal_standardized"));
        bool says = seasonality.IsOn && seasonality.Input == SeasonalNetworkInput.StandardizedDifferences;
        if (standardizes != says)
            throw graph.Metadata.Error($"has metadata 'mlnet_lstm.seasonal_input' = '{(seasonality.IsOn ? seasonality.Input.ToString() : "(none)")}', but its graph {(standardizes ? "standardises" : "does not standardise")} the seasonal differences (node output 'seasonal_standardized')");
    }

    /// <summary>One member network, its initializer names prefixed with <paramref name="prefix"/> (empty for a single network).</summary>
    private static LstmNetworkWeights ReadMember(SavedGraph graph, Dictionary<string, TensorProto> initializers, string prefix, Shape shape)
    {
        var cell = shape.Cell;
        var interval = shape.Interval ?? LstmIntervalHead.None;
        float[] Tensor(string name, params long[] dims)
        {
            name = prefix + name;
            if (!initializers.TryGetValue(name, out var tensor))
                throw graph.Metadata.Error($"has no initializer '{name}' for its {shape.HiddenSizes.Length} {cell} layer(s) (mlnet_lstm.hidden_sizes, mlnet_lstm.cell)");
            if (!tensor.Dims.SequenceEqual(dims) || tensor.DataType != (int)TensorProto.Types.DataType.Float)
            {
                throw graph.Metadata.Error(
                    $"has initializer '{name}' of shape [{string.Join(", ", tensor.Dims)}], but its metadata describes float [{string.Join(", ", dims)}]");
            }
            var values = tensor.RawData.Length > 0
                ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
                : tensor.FloatData.ToArray();
            if (values.LongLength != dims.Aggregate(1L, (a, d) => a * d))
                throw graph.Metadata.Error($"has initializer '{name}' with {values.Length} values for shape [{string.Join(", ", dims)}]");
            return values;
        }

        int g = cell.GateCount();
        var order = cell.OnnxFromPyTorch();
        var layers = new List<LstmLayerWeights>();
        var seasonality = shape.Seasonality ?? LstmSeasonality.None;
        int input = seasonality.LayerInputSize(shape.FeatureCount);
        for (int l = 0; l < shape.HiddenSizes.Length; l++)
        {
            int hs = shape.HiddenSizes[l];
            string name = cell.OnnxPrefix(l);
            var w = ToPyTorch(Tensor($"{name}_W", 1, g * hs, input), hs, input, order);
            var r = ToPyTorch(Tensor($"{name}_R", 1, g * hs, hs), hs, hs, order);
            var b = Tensor($"{name}_B", 1, 2 * g * hs);
            layers.Add(new LstmLayerWeights(input, hs, w, r, ToPyTorch(b[..(g * hs)], hs, 1, order), ToPyTorch(b[(g * hs)..], hs, 1, order)));
            input = hs;
        }
        int horizon = shape.Horizon, headInput = input + shape.FutureSize, outputs = horizon * interval.QuantileCount;
        var headT = Tensor("head_W", headInput, outputs);
        var head = new float[outputs * headInput];
        for (int o = 0; o < outputs; o++)
            for (int j = 0; j < headInput; j++)
                head[o * headInput + j] = headT[j * outputs + o];
        return new LstmNetworkWeights(shape.WindowSize, shape.FeatureCount, horizon, layers, head, Tensor("head_b", outputs), cell, shape.FutureSize, interval, seasonality);
    }

    // ONNX gate block k holds PyTorch's block order[k] (RecurrentCells.OnnxFromPyTorch).
    private static float[] ToPyTorch(float[] onnx, int hidden, int columns, int[] order)
    {
        int block = hidden * columns;
        var result = new float[onnx.Length];
        for (int k = 0; k < order.Length; k++)
            Array.Copy(onnx, k * block, result, order[k] * block, block);
        return result;
    }
}
