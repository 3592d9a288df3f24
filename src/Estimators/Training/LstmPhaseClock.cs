using System.Diagnostics;

namespace MLNet.Lstm.Training;

/// <summary>
/// The phase clock of one fit: a mark that each phase's end moves on, reporting the time since the previous mark to
/// <see cref="LstmFitEvents.PhaseEnded"/>. Phases that recur (the parts of every epoch) are summed with
/// <see cref="Add"/> and reported together by <see cref="ReportSums"/>.
/// </summary>
internal sealed class LstmPhaseClock
{
    private readonly LstmFitEvents _events;
    private readonly List<(string Phase, double Seconds)> _sums = new();
    private long _mark = Stopwatch.GetTimestamp();

    public LstmPhaseClock(LstmFitEvents events) => _events = events;

    /// <summary>Ends <paramref name="phase"/>: reports the time since the mark and moves the mark to now.</summary>
    public void Lap(string phase) => _events.OnPhaseEnded(phase, Elapsed());

    /// <summary>Moves the mark to now without reporting (the time since belongs to no phase).</summary>
    public void Restart() => _mark = Stopwatch.GetTimestamp();

    /// <summary>Adds the time since the mark to the sum of <paramref name="phase"/> and moves the mark to now.</summary>
    public void Add(string phase)
    {
        double seconds = Elapsed();
        int i = _sums.FindIndex(s => s.Phase == phase);
        if (i < 0)
            _sums.Add((phase, seconds));
        else
            _sums[i] = (phase, _sums[i].Seconds + seconds);
    }

    /// <summary>Reports the sums of <see cref="Add"/> in the order their phases first came, and clears them.</summary>
    public void ReportSums()
    {
        foreach (var (phase, seconds) in _sums)
            _events.OnPhaseEnded(phase, seconds);
        _sums.Clear();
    }

    private double Elapsed()
    {
        long now = Stopwatch.GetTimestamp();
        double seconds = Stopwatch.GetElapsedTime(_mark, now).TotalSeconds;
        _mark = now;
        return seconds;
    }
}
