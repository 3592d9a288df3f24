namespace MLNet.Lstm;

/// <summary>
/// Learning-rate schedules of the LSTM trainer (<c>LstmForecastingTrainer.Options.LearningRateSchedule</c>), and the one
/// a fitted model was trained with (<see cref="LstmTrainingSettings.LearningRateSchedule"/>). The rate of epoch e
/// (1-based) is set before the epoch's first batch.
/// </summary>
public enum LstmLearningRateSchedule
{
    /// <summary>The trainer's <c>LearningRate</c> in every epoch (the default).</summary>
    Constant,

    /// <summary>
    /// Cosine annealing over <c>Epochs</c>: lr(e) = LearningRate · (1 + cos(π (e - 1) / Epochs)) / 2, from the full rate
    /// in epoch 1 towards 0 in the last epoch. A resumed fit continues the curve at its epoch.
    /// </summary>
    Cosine,

    /// <summary>
    /// Reduce on plateau: the rate is halved after every 5 consecutive epochs without improvement of the monitored loss
    /// (the validation loss, or the training loss without validation; improvement as for early stopping, by more
    /// than <c>EarlyStoppingMinDelta</c>), down to LearningRate / 1000. A resumed fit starts again at the full rate.
    /// </summary>
    ReduceOnPlateau,
}
