namespace MLNet.Lstm;

/// <summary>
/// Training losses of the LSTM trainer (<c>LstmForecastingTrainer.Options.Loss</c>), and the one a fitted model
/// was trained with (<see cref="LstmTrainingSettings.Loss"/>).
/// </summary>
public enum LstmLoss
{
    /// <summary>Mean squared error.</summary>
    Mse,
    /// <summary>Mean absolute error.</summary>
    Mae,
    /// <summary>Huber loss with the trainer's threshold <c>HuberDelta</c>.</summary>
    Huber,

    /// <summary>
    /// Mean absolute scaled error, scale-free: each window's absolute errors divided by the mean absolute error of the
    /// seasonal-naive forecast inside that window's target column, <c>mean(|x[t] − x[t − m]|)</c> for t = m .. T−1
    /// (m the seasonal period when the fit has one, else 1; 1 when m ≥ T), averaged over windows and steps. A window
    /// whose in-sample error is 0 (a constant window) counts 0. For the window normalisations (affine per window or
    /// series) the value equals the loss in label units. Needs a window of at least 2 steps; not with <c>Quantiles</c>.
    /// </summary>
    Mase,
}
