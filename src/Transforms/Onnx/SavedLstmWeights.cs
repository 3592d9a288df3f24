using System.Runtime.InteropServices;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Reads a saved LSTM forecaster graph's weights back from its initializers into <see cref="LstmNetworkWeights"/>
/// (PyTorch's layout), the inverse of the trainer's exporter: per layer <c>lstm{l}_W</c> <c>[1, 4H, in]</c>,
/// <c>lstm{l}_R</c> <c>[1, 4H, H]</c>, <c>lstm{l}_B</c> <c>[1, 8H]</c> (input bias ‖ recurrent bias) with ONNX's gate
/// blocks (i, o, f, c) — for a GRU <c>gru{l}_W</c> <c>[1, 3H, in]</c>, <c>gru{l}_R</c>, <c>gru{l}_B</c> <c>[1, 6H]</c>
/// with ONNX's blocks (z, r, h) — and the head <c>head_W</c> <c>[H + h·C, h]</c>, <c>head_b</c> <c>[h]</c>.
/// </summary>
internal static class SavedLstmWeights
{
    public static LstmNetworkWeights Read(SavedGraph graph, int windowSize, int featureCount, int horizon, int[] hiddenSizes,
        RecurrentCell cell = RecurrentCell.Lstm, int futureSize = 0)
    {
        int g = cell.GateCount();
        var order = cell.OnnxFromPyTorch();
        var initializers = ModelProto.Parser.ParseFrom(graph.Model).Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        float[] Tensor(string name, params long[] dims)
        {
            if (!initializers.TryGetValue(name, out var tensor))
                throw graph.Metadata.Error($"has no initializer '{name}' for its {hiddenSizes.Length} {cell} layer(s) (mlnet_lstm.hidden_sizes, mlnet_lstm.cell)");
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

        var layers = new List<LstmLayerWeights>();
        int input = featureCount;
        for (int l = 0; l < hiddenSizes.Length; l++)
        {
            int hs = hiddenSizes[l];
            string name = cell.OnnxPrefix(l);
            var w = ToPyTorch(Tensor($"{name}_W", 1, g * hs, input), hs, input, order);
            var r = ToPyTorch(Tensor($"{name}_R", 1, g * hs, hs), hs, hs, order);
            var b = Tensor($"{name}_B", 1, 2 * g * hs);
            layers.Add(new LstmLayerWeights(input, hs, w, r, ToPyTorch(b[..(g * hs)], hs, 1, order), ToPyTorch(b[(g * hs)..], hs, 1, order)));
            input = hs;
        }
        int headInput = input + futureSize;
        var headT = Tensor("head_W", headInput, horizon);
        var head = new float[horizon * headInput];
        for (int o = 0; o < horizon; o++)
            for (int j = 0; j < headInput; j++)
                head[o * headInput + j] = headT[j * horizon + o];
        return new LstmNetworkWeights(windowSize, featureCount, horizon, layers, head, Tensor("head_b", horizon), cell, futureSize);
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
