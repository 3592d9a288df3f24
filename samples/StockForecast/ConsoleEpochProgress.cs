using MLNet.Lstm;

namespace StockForecast;

/// <summary>
/// A progress bar per epoch. Reports arrive synchronously on the training thread (unlike <see cref="Progress{T}"/>,
/// which posts them to the thread pool and could print them out of order). With <paramref name="every"/> above 1 only
/// the first epoch of each network, every <paramref name="every"/>-th and the last are printed (an ensemble trains
/// several networks, each from epoch 1).
/// </summary>
internal sealed class ConsoleEpochProgress(int every = 1) : IProgress<LstmEpochProgress>
{
    private const int Width = 30;
    private int _network;

    public void Report(LstmEpochProgress p)
    {
        if (p.Epoch == 1)
            _network++;
        if (every > 1 && p.Epoch != 1 && p.Epoch % every != 0 && p.Epoch != p.Epochs)
            return;
        int filled = (int)Math.Round(Width * (double)p.Epoch / Math.Max(1, p.Epochs));
        string bar = new string('#', Math.Min(Width, filled)).PadRight(Width, '.');
        string validation = p.ValidationLoss is double v ? $"  val loss {v:G4}" : "";
        Console.WriteLine($"  network {_network} [{bar}] epoch {p.Epoch}/{p.Epochs}  train loss {p.TrainLoss:G4}{validation}  {p.Duration.TotalSeconds:F1} s");
    }
}
