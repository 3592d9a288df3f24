using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Lstm.Training;

/// <summary>
/// The quantile head's torch side: the non-crossing transform of <see cref="LstmIntervalHead"/> and the
/// pinball loss. The ONNX exporter writes the same transform (<see cref="LstmIntervalHead.NonCrossingMatrix"/>).
/// </summary>
internal static class QuantileHead
{
    /// <summary>
    /// Raw head outputs <c>[N, h·q]</c> → non-crossing quantiles <c>[N, h·q]</c> (median + cumulative softplus
    /// increments); a point model's outputs are returned unchanged.
    /// </summary>
    public static Tensor NonCrossing(Tensor raw, LstmIntervalHead interval, int horizon)
    {
        if (interval.QuantileLevels is null)
            return raw;
        int q = interval.QuantileCount, m = interval.MedianIndex;
        var r = raw.view(-1, horizon, q);
        var matrix = torch.tensor(interval.NonCrossingMatrix(), device: raw.device).view(q, q);
        var quantiles = torch.matmul(torch.nn.functional.softplus(r), matrix) + r.narrow(2, m, 1);
        return quantiles.view(-1, horizon * q);
    }

    /// <summary>
    /// The pinball (quantile) loss: for each window the sum over steps and quantiles of
    /// <c>max(τ·(y − Q), (τ − 1)·(y − Q))</c>, averaged over the windows.
    /// </summary>
    public static Tensor PinballLoss(Tensor prediction, Tensor target, float[] levels)
    {
        int q = levels.Length;
        long h = target.shape[1];
        var tau = torch.tensor(levels, device: prediction.device).view(1, 1, q);
        var diff = target.unsqueeze(2) - prediction.view(-1, h, q);
        var loss = torch.maximum(tau * diff, (tau - 1) * diff);
        return loss.sum(new long[] { 1, 2 }).mean();
    }
}
