using Microsoft.Extensions.ObjectPool;
using MLNet.Lstm;

namespace ForecastService;

/// <summary>
/// One loaded model zip and its pool of forecasters, immutable once built. The service swaps whole generations; a
/// request enters the generation current when it starts and finishes on it, so it never mixes two models. A retired
/// generation is disposed when its last request leaves.
/// </summary>
public sealed class ModelGeneration
{
    private readonly SeriesForecaster _owner;  // loaded from the zip; owns the model (ONNX Runtime sessions)
    private readonly ObjectPool<SeriesForecaster> _pool;
    private int _inFlight;
    private int _retired;
    private int _disposed;

    internal ModelGeneration(int number, SeriesForecaster loaded, ModelFileStamp stamp, int poolSize)
    {
        Number = number;
        _owner = loaded;
        Stamp = stamp;
        LoadedAt = DateTimeOffset.UtcNow;
        _pool = new DefaultObjectPoolProvider { MaximumRetained = poolSize }.Create(new ForecasterPolicy(loaded));
    }

    /// <summary>1 for the model loaded at start-up, then one more per successful reload.</summary>
    public int Number { get; }

    /// <summary>The file's timestamp, length and SHA-256 when it was loaded.</summary>
    public ModelFileStamp Stamp { get; }

    /// <summary>When this generation was loaded.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>The windowing read from the zip.</summary>
    public SeriesWindowing Windowing => _owner.Windowing;

    /// <summary>True once the generation was replaced and its last request has left.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) == 1;

    /// <summary>Forecasts with a pooled forecaster (exclusive to the caller while it runs).</summary>
    public SeriesPrediction Forecast(Microsoft.Data.Analysis.DataFrame series, int steps)
    {
        var forecaster = _pool.Get();
        try
        {
            return forecaster.Forecast(series, steps, CovariatePolicy.HoldLastValue);
        }
        finally
        {
            _pool.Return(forecaster);
        }
    }

    /// <summary>Counts a request in; false when the generation is already retired (the caller takes the new one).</summary>
    internal bool TryEnter()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _retired) == 0)
            return true;
        Exit();
        return false;
    }

    /// <summary>Counts a request out; the last one out of a retired generation disposes it.</summary>
    internal void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _retired) == 1)
            DisposeOnce();
    }

    /// <summary>Marks the generation replaced; disposes it now if no request is inside, else when the last one leaves.</summary>
    internal void Retire()
    {
        Interlocked.Exchange(ref _retired, 1);
        if (Volatile.Read(ref _inFlight) == 0)
            DisposeOnce();
    }

    private void DisposeOnce()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        (_pool as IDisposable)?.Dispose();
        _owner.Dispose();
    }

    /// <summary>Pool policy: forecasters that share the generation's loaded model (they do not own it).</summary>
    private sealed class ForecasterPolicy(SeriesForecaster loaded) : PooledObjectPolicy<SeriesForecaster>
    {
        public override SeriesForecaster Create() => new(loaded.Model, loaded.Windowing);

        public override bool Return(SeriesForecaster obj) => true;
    }
}

/// <summary>What identifies a model file on disk: last write time and length (polled), and the SHA-256 of what was loaded.</summary>
public sealed record ModelFileStamp(DateTime LastWriteTimeUtc, long Length, string Sha256)
{
    /// <summary>The file's timestamp and length now (no hash), or null when it does not exist.</summary>
    public static (DateTime, long)? Peek(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
    }
}
