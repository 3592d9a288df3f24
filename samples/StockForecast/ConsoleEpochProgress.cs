using MLNet.Lstm;

namespace StockForecast;

/// <summary>
/// A progress bar that advances once per epoch. Reports arrive synchronously on the training thread (unlike
/// <see cref="Progress{T}"/>, which posts them to the thread pool and could print them out of order).
/// </summary>
internal sealed class ConsoleEpochProgress : IProgress<LstmEpochProgress>
{
    private const int Width = 30;

    public void Report(LstmEpochProgress p)
    {
        int filled = (int)Math.Round(Width * (double)p.Epoch / Math.Max(1, p.Epochs));
        string bar = new string('#', Math.Min(Width, filled)).PadRight(Width, '.');
        string validation = p.ValidationLoss is double v ? $"  val loss {v:G4}" : "";
        Console.WriteLine($"  [{bar}] epoch {p.Epoch}/{p.Epochs}  train loss {p.TrainLoss:G4}{validation}  {p.Duration.TotalSeconds:F1} s");
    }
}
