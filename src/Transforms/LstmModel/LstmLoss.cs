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
}
