namespace MLNet.Lstm;

/// <summary>The per-cell constants shared by the network, its weights, the ONNX export and the loader.</summary>
internal static class RecurrentCells
{
    /// <summary>The number of gate blocks of <paramref name="cell"/> (4 for an LSTM, 3 for a GRU).</summary>
    public static int GateCount(this RecurrentCell cell) => cell == RecurrentCell.Gru ? 3 : 4;

    /// <summary>The trainable parameters of one layer: gates · (H·(in + H) + 2H), input and recurrent biases included.</summary>
    public static long LayerParameterCount(this RecurrentCell cell, int input, int hidden) =>
        cell.GateCount() * ((long)hidden * (input + hidden) + 2L * hidden);

    /// <summary>
    /// ONNX gate block k holds the framework's (PyTorch/TorchSharp) block <c>OnnxFromPyTorch[k]</c>. LSTM: PyTorch
    /// i, f, g, o → ONNX i, o, f, c. GRU: PyTorch r, z, n → ONNX z, r, h.
    /// </summary>
    public static int[] OnnxFromPyTorch(this RecurrentCell cell) =>
        cell == RecurrentCell.Gru ? new[] { 1, 0, 2 } : new[] { 0, 3, 1, 2 };

    /// <summary>The ONNX operator and the initializer name prefix of <paramref name="cell"/>'s layers.</summary>
    public static string OnnxOperator(this RecurrentCell cell) => cell == RecurrentCell.Gru ? "GRU" : "LSTM";

    /// <summary>The initializer name prefix of layer <paramref name="layer"/> (<c>lstm0</c>, <c>gru0</c>, ...).</summary>
    public static string OnnxPrefix(this RecurrentCell cell, int layer) => (cell == RecurrentCell.Gru ? "gru" : "lstm") + layer;
}
