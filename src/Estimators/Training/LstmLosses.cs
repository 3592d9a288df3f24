using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Lstm.Training;

/// <summary>The training losses of <see cref="LstmLoss"/>, or the pinball loss of a quantile head.</summary>
internal static class LstmLosses
{
    /// <summary>
    /// The loss of <paramref name="prediction"/> against <paramref name="target"/> (both <c>[N, h]</c>, or
    /// <c>[N, h·q]</c> predictions of a quantile head), in the network's (normalised) units; <paramref name="window"/>
    /// <c>[N, T, F]</c> is the input the prediction was made from (read by <see cref="LstmLoss.Mase"/>).
    /// </summary>
    public static Tensor Compute(Tensor prediction, Tensor target, Tensor window, LstmForecastingTrainer.Options o, LstmNetworkShape shape) =>
        LstmIntervalHead.LevelsOf(o.Quantiles) is { } levels ? QuantileHead.PinballLoss(prediction, target, levels) : o.Loss switch
    {
        LstmLoss.Mse => torch.nn.functional.mse_loss(prediction, target),
        LstmLoss.Mae => torch.nn.functional.l1_loss(prediction, target),
        LstmLoss.Huber => torch.nn.functional.huber_loss(prediction, target, delta: o.HuberDelta),
        LstmLoss.Mase => Mase(prediction, target, window.select(2, shape.TargetIndex), shape.LossSeasonalLag),
        _ => throw new ArgumentOutOfRangeException(nameof(o.Loss), o.Loss, "Unknown loss."),
    };

    /// <summary>
    /// The mean absolute scaled error: <c>mean over n, k of |ŷ[n, k] − y[n, k]| / s[n]</c>, with
    /// <c>s[n] = mean(|x[n, t] − x[n, t − lag]|)</c> over t = lag .. T−1 of the window's target column
    /// <paramref name="series"/> <c>[N, T]</c>; a window with <c>s[n] = 0</c> (or not finite) counts 0. Dividing
    /// both the errors and <c>s</c> by the same per-window scale leaves the value unchanged, so the loss on
    /// normalised windows equals the loss in label units.
    /// </summary>
    public static Tensor Mase(Tensor prediction, Tensor target, Tensor series, int lag)
    {
        long t = series.shape[1];
        var naiveError = (series.narrow(1, lag, t - lag) - series.narrow(1, 0, t - lag)).abs().mean(new long[] { 1 }, keepdim: true); // [N, 1]
        var usable = naiveError.gt(0).logical_and(naiveError.isfinite());
        var weight = where(usable, naiveError.reciprocal(), zeros_like(naiveError)); // the scale comes from the data: no gradient through it
        return ((prediction - target).abs() * weight).mean();
    }

    /// <summary>The lag of <see cref="LstmLoss.Mase"/>'s scale: the seasonal period when it has one shorter than the window, else 1.</summary>
    public static int SeasonalLag(int seasonalPeriod, int windowSize) => seasonalPeriod >= 1 && seasonalPeriod < windowSize ? seasonalPeriod : 1;

    /// <summary>Checks that <paramref name="loss"/> can be computed on windows of <paramref name="windowSize"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="LstmLoss.Mase"/> with a window of one step.</exception>
    public static void ValidateWindow(LstmLoss loss, int windowSize)
    {
        if (loss == LstmLoss.Mase && windowSize < 2)
            throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.Loss), loss,
                $"Loss Mase scales each window's error by its in-sample naive error, which needs a window of at least 2 steps, but the window has {windowSize}. " +
                "Use a longer window (SlidingWindow windowSize ≥ 2) or another loss (Mae, Mse, Huber).");
    }
}
