namespace MLNet.Lstm;

/// <summary>One epoch of LSTM training: its number, losses and duration.</summary>
/// <param name="Epoch">The epoch number, starting at 1 (continues the checkpoint's numbering when resuming).</param>
/// <param name="TrainLoss">Mean training loss over the epoch's windows, in the units the network was trained on
/// (normalised units when the window was normalised).</param>
/// <param name="ValidationLoss">Mean validation loss after the epoch, or <see langword="null"/> without validation.</param>
/// <param name="Duration">Wall-clock time of the epoch (training and validation).</param>
public sealed record LstmEpochResult(int Epoch, double TrainLoss, double? ValidationLoss, TimeSpan Duration);
