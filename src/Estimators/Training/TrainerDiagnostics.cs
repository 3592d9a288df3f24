using System.Diagnostics;

namespace MLNet.Lstm.Training;

/// <summary>
/// Internal knobs and observers of one <see cref="LstmForecastingTrainer"/>'s fits, for tests and the benchmarks
/// (reached through <c>InternalsVisibleTo</c>; set on the internal <c>Options.Diagnostics</c>). Nothing here is
/// process-wide: each trainer's options carry their own object, and a null one means the defaults below.
/// </summary>
internal sealed class TrainerDiagnostics
{
    /// <summary>The default of <see cref="FinalizerCollectInterval"/>: a young-generation collection after every batch.</summary>
    public const int DefaultFinalizerCollectInterval = 1;

    /// <summary>The defaults (what a fit without diagnostics uses).</summary>
    public static TrainerDiagnostics Default { get; } = new();

    /// <summary>
    /// Batches between two collections of TorchSharp's undisposed optimizer scalars (see
    /// <see cref="BatchCollector"/>); 0 or less turns the collection off. The benchmarks vary it.
    /// </summary>
    public int FinalizerCollectInterval { get; init; } = DefaultFinalizerCollectInterval;

    /// <summary>Receives (phase, seconds) at the end of each phase of a fit, on the fitting thread.</summary>
    public Action<string, double>? PhaseObserver { get; init; }

    /// <summary>Called before each training batch with (epoch, 0-based batch index), on the fitting thread.</summary>
    public Action<int, int>? BatchObserver { get; init; }

    /// <summary>Reports the time since <paramref name="since"/> as <paramref name="phase"/> and returns a new start.</summary>
    public long Lap(string phase, long since)
    {
        long now = Stopwatch.GetTimestamp();
        PhaseObserver?.Invoke(phase, Stopwatch.GetElapsedTime(since, now).TotalSeconds);
        return now;
    }
}
