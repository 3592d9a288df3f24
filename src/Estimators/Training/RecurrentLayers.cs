using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Lstm.Training;

/// <summary>
/// The one place where the recurrent cell is chosen: creates a layer (<c>nn.LSTM</c> or <c>nn.GRU</c>, batch-first,
/// one direction, one layer) and runs it, returning the output sequence <c>[N, T, H]</c>. Both register the
/// parameters <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c> (4 or 3 gate blocks).
/// </summary>
internal static class RecurrentLayers
{
    public static nn.Module Create(RecurrentCell cell, long input, long hidden) => cell switch
    {
        RecurrentCell.Lstm => nn.LSTM(input, hidden, batchFirst: true),
        RecurrentCell.Gru => nn.GRU(input, hidden, batchFirst: true),
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, $"Unknown recurrent cell {cell}; use {RecurrentCell.Lstm} or {RecurrentCell.Gru}."),
    };

    /// <summary>The layer's output sequence; the final states are disposed.</summary>
    public static Tensor Run(nn.Module layer, Tensor x)
    {
        switch (layer)
        {
            case LSTM lstm:
                {
                    var (output, hN, cN) = lstm.call(x, null);
                    hN.Dispose();
                    cN.Dispose();
                    return output;
                }
            case GRU gru:
                {
                    var (output, hN) = gru.call(x, null);
                    hN.Dispose();
                    return output;
                }
            default:
                throw new InvalidOperationException($"Unexpected recurrent layer {layer.GetType().Name}.");
        }
    }
}
