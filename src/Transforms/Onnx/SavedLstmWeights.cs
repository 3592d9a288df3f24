using System.Runtime.InteropServices;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Reads a saved LSTM forecaster graph's weights back from its initializers into <see cref="LstmNetworkWeights"/>
/// (PyTorch's layout), the inverse of the trainer's exporter: per layer <c>lstm{l}_W</c> <c>[1, 4H, in]</c>,
/// <c>lstm{l}_R</c> <c>[1, 4H, H]</c>, <c>lstm{l}_B</c> <c>[1, 8H]</c> (input bias ‖ recurrent bias) with ONNX's gate
/// blocks (i, o, f, c), and the head <c>head_W</c> <c>[H, h·q]</c>, <c>head_b</c> <c>[h·q]</c> (q = 1 for a point model).
/// </summary>
internal static class SavedLstmWeights
{
    // ONNX gate block k holds PyTorch's block OnnxFromPyTorch[k] (PyTorch: i, f, g, o; ONNX: i, o, f, c).
    private static readonly int[] OnnxFromPyTorch = { 0, 3, 1, 2 };

    public static LstmNetworkWeights Read(SavedGraph graph, int windowSize, int featureCount, int horizon, int[] hiddenSizes,
        LstmIntervalHead? interval = null)
    {
        interval ??= LstmIntervalHead.None;
        int outputs = horizon * interval.QuantileCount;
        var initializers = ModelProto.Parser.ParseFrom(graph.Model).Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        float[] Tensor(string name, params long[] dims)
        {
            if (!initializers.TryGetValue(name, out var tensor))
                throw graph.Metadata.Error($"has no initializer '{name}' for its {hiddenSizes.Length} LSTM layer(s) (mlnet_lstm.hidden_sizes)");
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
            var w = ToPyTorch(Tensor($"lstm{l}_W", 1, 4 * hs, input), hs, input);
            var r = ToPyTorch(Tensor($"lstm{l}_R", 1, 4 * hs, hs), hs, hs);
            var b = Tensor($"lstm{l}_B", 1, 8 * hs);
            layers.Add(new LstmLayerWeights(input, hs, w, r, ToPyTorch(b[..(4 * hs)], hs, 1), ToPyTorch(b[(4 * hs)..], hs, 1)));
            input = hs;
        }
        var headT = Tensor("head_W", input, outputs);
        var head = new float[outputs * input];
        for (int o = 0; o < outputs; o++)
            for (int j = 0; j < input; j++)
                head[o * input + j] = headT[j * outputs + o];
        return new LstmNetworkWeights(windowSize, featureCount, horizon, layers, head, Tensor("head_b", outputs), interval);
    }

    private static float[] ToPyTorch(float[] onnx, int hidden, int columns)
    {
        int block = hidden * columns;
        var result = new float[onnx.Length];
        for (int k = 0; k < 4; k++)
            Array.Copy(onnx, k * block, result, OnnxFromPyTorch[k] * block, block);
        return result;
    }
}
