namespace MLNet.Lstm;

/// <summary>Progress after one training epoch.</summary>
/// <param name="Epoch">The epoch just finished (1-based).</param>
/// <param name="Epochs">The configured maximum number of epochs.</param>
/// <param name="TrainLoss">Mean training loss of the epoch.</param>
/// <param name="ValidationLoss">Validation loss after the epoch, or <see langword="null"/> without validation.</param>
/// <param name="Duration">Wall-clock time of the epoch.</param>
public sealed record LstmEpochProgress(int Epoch, int Epochs, double TrainLoss, double? ValidationLoss, TimeSpan Duration);
