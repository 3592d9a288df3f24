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
    /// The model's own output for <paramref name="lastWindow"/> (the series' last T rows): the first horizon's
    /// <c>Score</c>, and <c>LowerBound</c>/<c>UpperBound</c> when the model has them (null otherwise). These are predicted
    /// directly from the true window, which is what a band is calibrated for.
    /// </summary>
    public WindowScore ScoreWindow(Microsoft.Data.Analysis.DataFrame lastWindow)
    {
        var w = Windowing;
        var definition = SchemaDefinition.Create(typeof(WindowRow));
        definition[0].ColumnName = w.WindowColumnName;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, w.WindowSize, w.FeatureCount);
        var row = new WindowRow { Window = TimeMajor(lastWindow, w) };
        var scored = _owner.Model.Transform(ScoringContext.Data.LoadFromEnumerable(new[] { row }, definition));
        var score = scored.Schema.GetColumnOrNull(w.ScoreColumnName)
            ?? throw new InvalidOperationException($"The model has no score column '{w.ScoreColumnName}'; serve a zip saved from a fitted SlidingWindow → ... → Lstm chain.");
        var lower = scored.Schema.GetColumnOrNull("LowerBound");
        var upper = scored.Schema.GetColumnOrNull("UpperBound");
        bool banded = lower is not null && upper is not null;
        using var cursor = scored.GetRowCursor(banded ? new[] { score, lower!.Value, upper!.Value } : new[] { score });
        if (!cursor.MoveNext())
            throw new InvalidOperationException("The model produced no row for the request's last window.");
        return banded
            ? new WindowScore(Read(cursor, score), Read(cursor, lower!.Value), Read(cursor, upper!.Value))
            : new WindowScore(Read(cursor, score), null, null);
    }

    private static float[] Read(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        getter(ref buffer);
        return buffer.DenseValues().ToArray();
    }

    /// <summary>
    /// The window normalisation of the model's <c>NormalizeWindows</c> step, or null when the chain has none (the
    /// service names it when the model cannot score a request).
    /// </summary>
    public WindowNormalization? Normalization => Steps(_owner.Model).OfType<NormalizeWindowsTransformer>().FirstOrDefault()?.Mode;

    private static IEnumerable<ITransformer> Steps(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Steps) : new[] { model };

    private static readonly MLContext ScoringContext = new();

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

/// <summary>The model's output for one window: <c>Score</c> (h values) and, for interval models, the band (else null).</summary>
public sealed record WindowScore(float[] Score, float[]? LowerBound, float[]? UpperBound);

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
