using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Lstm.Training;

/// <summary>The training losses of <see cref="LstmLoss"/>, or the pinball loss of a quantile head.</summary>
internal static class LstmLosses
{
    public static Tensor Compute(Tensor prediction, Tensor target, LstmForecastingTrainer.Options o) =>
        LstmIntervalHead.LevelsOf(o.Quantiles) is { } levels ? QuantileHead.PinballLoss(prediction, target, levels) : o.Loss switch
    {
        LstmLoss.Mse => torch.nn.functional.mse_loss(prediction, target),
        LstmLoss.Mae => torch.nn.functional.l1_loss(prediction, target),
        LstmLoss.Huber => torch.nn.functional.huber_loss(prediction, target, delta: o.HuberDelta),
        _ => throw new ArgumentOutOfRangeException(nameof(o.Loss), o.Loss, "Unknown loss."),
    };
}
