namespace MLNet.Lstm;

/// <summary>
/// Optimizers of the LSTM trainer (<c>LstmForecastingTrainer.Options.Optimizer</c>), and the one a fitted model
/// was trained with (<see cref="LstmTrainingSettings.Optimizer"/>).
/// </summary>
public enum LstmOptimizer
{
    /// <summary>Adam; the trainer's <c>WeightDecay</c> is an L2 penalty.</summary>
    Adam,
    /// <summary>AdamW; the trainer's <c>WeightDecay</c> is decoupled weight decay.</summary>
    AdamW,
    /// <summary>Stochastic gradient descent with the trainer's <c>Momentum</c>.</summary>
    Sgd,
}
