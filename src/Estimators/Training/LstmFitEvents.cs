namespace MLNet.Lstm.Training;

/// <summary>
/// What an <see cref="LstmForecastingTrainer"/>'s fits report as they run, for observers outside the fit (the
/// benchmarks and tests, through <c>InternalsVisibleTo</c>): the end of each phase with its duration, and the start
/// of each training batch. Each trainer has its own (<c>LstmForecastingTrainer.Events</c>); handlers run on the
/// fitting thread and change no result.
/// </summary>
internal sealed class LstmFitEvents
{
    /// <summary>Raised at the end of each phase of a fit with (phase, seconds).</summary>
    public event Action<string, double>? PhaseEnded;

    /// <summary>Raised before each training batch with (epoch, 0-based batch index).</summary>
    public event Action<int, int>? BatchStarting;

    internal void OnPhaseEnded(string phase, double seconds) => PhaseEnded?.Invoke(phase, seconds);

    internal void OnBatchStarting(int epoch, int batch) => BatchStarting?.Invoke(epoch, batch);
}
