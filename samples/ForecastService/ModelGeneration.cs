using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;
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

    /// <summary>
    /// The model's prediction interval for the first <paramref name="steps"/> steps after <paramref name="lastWindow"/>
    /// (the series' last T rows), when the model outputs <c>LowerBound</c>/<c>UpperBound</c> and the steps lie within its
    /// horizon: those steps are predicted directly from the true window, which is what the band is calibrated for. A
    /// recursive forecast past the horizon has no calibrated band, so this is null then, and for point models.
    /// </summary>
    public (float[] Lower, float[] Upper)? Bounds(Microsoft.Data.Analysis.DataFrame lastWindow, int steps)
    {
        var w = Windowing;
        if (steps > w.Horizon)
            return null;
        var definition = SchemaDefinition.Create(typeof(WindowRow));
        definition[0].ColumnName = w.WindowColumnName;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, w.WindowSize, w.FeatureCount);
        var row = new WindowRow { Window = TimeMajor(lastWindow, w) };
        var scored = _owner.Model.Transform(BoundsContext.Data.LoadFromEnumerable(new[] { row }, definition));
        if (scored.Schema.GetColumnOrNull("LowerBound") is not { } lower || scored.Schema.GetColumnOrNull("UpperBound") is not { } upper)
            return null;
        using var cursor = scored.GetRowCursor(new[] { lower, upper });
        var getLower = cursor.GetGetter<VBuffer<float>>(lower);
        var getUpper = cursor.GetGetter<VBuffer<float>>(upper);
        VBuffer<float> lo = default, hi = default;
        if (!cursor.MoveNext())
            return null;
        getLower(ref lo);
        getUpper(ref hi);
        return (lo.DenseValues().Take(steps).ToArray(), hi.DenseValues().Take(steps).ToArray());
    }

    private static readonly MLContext BoundsContext = new();

    private static float[] TimeMajor(Microsoft.Data.Analysis.DataFrame frame, SeriesWindowing w)
    {
        var window = new float[w.WindowSize * w.FeatureCount];
        for (int f = 0; f < w.FeatureCount; f++)
        {
            var column = frame.Columns[w.FeatureColumnNames[f]];
            for (int t = 0; t < w.WindowSize; t++)
                window[t * w.FeatureCount + f] = Convert.ToSingle(column[t]);
        }
        return window;
    }

    private sealed class WindowRow
    {
        public float[] Window { get; set; } = Array.Empty<float>();
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
