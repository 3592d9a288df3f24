namespace MLNet.Lstm.Training;

/// <summary>
/// Serialises the torch part of every Fit in the process. TorchSharp's random generator (weight initialisation,
/// dropout) and its thread count are process-wide: two Fits running at once would draw from the generator in turn, or
/// change each other's thread count (and so the order of float sums), and neither would be reproducible from its seed.
/// Holding this lock from the device and thread setting to the end of training makes a seed mean the same weights, at
/// the cost of running concurrent Fits one after the other (each already uses every torch thread).
/// </summary>
internal static class TorchRandomLock
{
    private static readonly object Gate = new();

    /// <summary>Enters the lock; dispose the result (on the same thread) to leave it.</summary>
    public static Releaser Enter()
    {
        Monitor.Enter(Gate);
        return new Releaser();
    }

    internal readonly struct Releaser : IDisposable
    {
        public void Dispose() => Monitor.Exit(Gate);
    }
}
