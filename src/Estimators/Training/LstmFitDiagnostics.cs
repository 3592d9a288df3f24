using System.Diagnostics;

namespace MLNet.Lstm.Training;

/// <summary>
/// Internal diagnostic of <see cref="LstmForecastingTrainer.Fit"/>: while <see cref="PhaseObserver"/> is set, every
/// Fit reports each phase's name and wall-clock seconds when the phase ends (the benchmark's <c>profile</c> suite
/// uses it). Unset (the default) it costs one null check per phase.
/// </summary>
internal static class LstmFitDiagnostics
{
    /// <summary>Receives (phase, seconds) at the end of each phase of every Fit, on the fitting thread.</summary>
    public static Action<string, double>? PhaseObserver { get; set; }

    /// <summary>Reports the time since <paramref name="since"/> as <paramref name="phase"/> and returns a new start.</summary>
    internal static long Lap(string phase, long since)
    {
        long now = Stopwatch.GetTimestamp();
        PhaseObserver?.Invoke(phase, Stopwatch.GetElapsedTime(since, now).TotalSeconds);
        return now;
    }
}
