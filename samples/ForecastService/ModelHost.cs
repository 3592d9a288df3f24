using System.Security.Cryptography;
using Microsoft.ML;
using MLNet.Lstm;

namespace ForecastService;

/// <summary>
/// Holds the current <see cref="ModelGeneration"/> and swaps it atomically when the model file's content changes. A
/// reload reads a private copy of the file (so a rename during the load cannot mix two files) and loads it only when
/// its SHA-256 differs from the served model's; a file that fails to load keeps the current model serving, is logged,
/// and shows in <see cref="LastReloadError"/> until the file changes to a loadable or the served content.
/// </summary>
public sealed class ModelHost : IDisposable
{
    private readonly ServiceOptions _options;
    private readonly ILogger<ModelHost> _logger;
    private readonly object _reloadLock = new();
    private readonly List<ModelGeneration> _retired = new();
    private ModelGeneration _current;
    private FileState _served;   // the file state whose content is the served generation's (replaced whole, read without the lock)
    private int _fileReads;
    private int _modelLoads;

    /// <summary>Loads the model at start-up; a file that cannot be loaded stops the service with the reason.</summary>
    public ModelHost(ServiceOptions options, ILogger<ModelHost> logger)
    {
        _options = options;
        _logger = logger;
        using var snapshot = Snapshot();
        _current = Load(1, snapshot);
        _served = new FileState(_current.Stamp.LastWriteTimeUtc, _current.Stamp.Length);
        _logger.LogInformation("Loaded model {Path} (generation 1, SHA-256 {Sha}): window {Window} × {Columns}, target {Target}, horizon {Horizon}.",
            options.ModelPath, _current.Stamp.Sha256, _current.Windowing.WindowSize, string.Join(",", _current.Windowing.FeatureColumnNames),
            _current.Windowing.TargetColumnName, _current.Windowing.Horizon);
    }

    /// <summary>The generation new requests enter.</summary>
    public ModelGeneration Current => Volatile.Read(ref _current);

    /// <summary>The last failed reload (when, which file state, why); null after a successful one.</summary>
    public ReloadError? LastReloadError { get; private set; }

    /// <summary>How many times the model file was copied and hashed (at start-up and at each reload attempt).</summary>
    public int FileReads => Volatile.Read(ref _fileReads);

    /// <summary>How many times a model was loaded from the file (at start-up and for each new content, failed loads included).</summary>
    public int ModelLoads => Volatile.Read(ref _modelLoads);

    /// <summary>Replaced generations whose requests have not all finished yet.</summary>
    public int RetiredGenerationsInUse
    {
        get
        {
            lock (_retired)
            {
                _retired.RemoveAll(g => g.IsDisposed);
                return _retired.Count;
            }
        }
    }

    /// <summary>Enters the current generation; dispose the lease when the request is done with it.</summary>
    public Lease Acquire()
    {
        while (true)
        {
            var generation = Current;
            if (generation.TryEnter())
                return new Lease(generation);
        }
    }

    /// <summary>
    /// Reloads the file when <see cref="FileChanged"/> says so. The file is copied and hashed first: content identical
    /// to the served generation's (a <c>touch</c>, an identical copy, or the good file restored after a broken one)
    /// loads nothing, records the file's new timestamp and length so that later polls do not read it again, and clears
    /// a pending reload error. Other content is loaded and swapped in; a file that fails to load keeps the current
    /// generation serving and is recorded in <see cref="LastReloadError"/>. Returns true when a new generation was
    /// swapped in.
    /// </summary>
    public bool ReloadIfChanged()
    {
        lock (_reloadLock)
        {
            if (!FileChanged())
                return false;
            var current = Current;
            ModelSnapshot snapshot;
            try
            {
                snapshot = Snapshot();
            }
            catch (FileNotFoundException)
            {
                return false; // removed since the check: the next change is picked up again
            }
            using (snapshot)
            {
                if (snapshot.Sha256 == current.Stamp.Sha256)
                {
                    KeepServing(current, snapshot);
                    return false;
                }
                ModelGeneration next;
                try
                {
                    next = Load(current.Number + 1, snapshot);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    LastReloadError = new ReloadError(DateTimeOffset.UtcNow, snapshot.LastWriteTimeUtc, snapshot.Length, e.Message);
                    _logger.LogError("Reloading {Path} failed; generation {Generation} keeps serving. {Reason}", _options.ModelPath, current.Number, e.Message);
                    return false;
                }
                LastReloadError = null;
                lock (_retired)
                    _retired.Add(current);
                Volatile.Write(ref _served, new FileState(snapshot.LastWriteTimeUtc, snapshot.Length));
                Volatile.Write(ref _current, next);
                current.Retire();
                _logger.LogInformation("Reloaded {Path}: generation {Generation} (SHA-256 {Sha}) replaces {Old}.",
                    _options.ModelPath, next.Number, next.Stamp.Sha256, current.Number);
                return true;
            }
        }
    }

    /// <summary>
    /// True when the file exists and its timestamp or length differ from the last state whose content was read
    /// (<see cref="ReloadIfChanged"/> records it, also for an unchanged content) and from the last failed attempt's
    /// (a broken file is tried once, until it changes again). While a reload error is pending, a file back at the
    /// served state counts as changed too, so that restoring the served file is noticed and clears the error.
    /// </summary>
    public bool FileChanged()
    {
        var peek = ModelFileStamp.Peek(_options.ModelPath);
        if (peek is null)
            return false;
        if (LastReloadError is { } failed)
            return peek != (failed.LastWriteTimeUtc, failed.Length);
        var served = Volatile.Read(ref _served);
        return peek != (served.LastWriteTimeUtc, served.Length);
    }

    /// <summary>The file's content is the served generation's: remember its state, clear a pending error, say so once.</summary>
    private void KeepServing(ModelGeneration current, ModelSnapshot snapshot)
    {
        Volatile.Write(ref _served, new FileState(snapshot.LastWriteTimeUtc, snapshot.Length));
        if (LastReloadError is not null)
        {
            LastReloadError = null;
            _logger.LogInformation("{Path} holds the served model again (SHA-256 {Sha}); generation {Generation} keeps serving and the reload error is cleared.",
                _options.ModelPath, snapshot.Sha256, current.Number);
        }
        else
        {
            _logger.LogInformation("{Path} changed on disk (timestamp {Time:O}, {Length} bytes) but its content is the served model's (SHA-256 {Sha}); generation {Generation} keeps serving.",
                _options.ModelPath, snapshot.LastWriteTimeUtc, snapshot.Length, snapshot.Sha256, current.Number);
        }
    }

    /// <summary>A private copy of the model file and its SHA-256 (so a rename during the load cannot mix two files).</summary>
    private ModelSnapshot Snapshot()
    {
        string path = _options.ModelPath;
        var peek = ModelFileStamp.Peek(path)
            ?? throw new FileNotFoundException($"The model file '{path}' does not exist. Pass --model with a model zip saved by mlContext.Model.Save.", path);
        string copy = Path.Combine(Path.GetTempPath(), $"forecast-service-{Environment.ProcessId}-{Guid.NewGuid():N}.zip");
        try
        {
            File.Copy(path, copy);
            Interlocked.Increment(ref _fileReads);
            string sha;
            using (var stream = File.OpenRead(copy))
                sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            return new ModelSnapshot(copy, peek.Item1, peek.Item2, sha);
        }
        catch
        {
            File.Delete(copy);
            throw;
        }
    }

    private ModelGeneration Load(int number, ModelSnapshot snapshot)
    {
        Interlocked.Increment(ref _modelLoads);
        SeriesForecaster loaded;
        try
        {
            loaded = new MLContext().Forecasting.LoadSeriesForecaster(snapshot.CopyPath);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"The model file '{_options.ModelPath}' could not be loaded: {e.Message.Replace(snapshot.CopyPath, _options.ModelPath)}", e);
        }
        return new ModelGeneration(number, loaded, new ModelFileStamp(snapshot.LastWriteTimeUtc, snapshot.Length, snapshot.Sha256), _options.PoolSize);
    }

    /// <summary>A file's last write time and length.</summary>
    private sealed record FileState(DateTime LastWriteTimeUtc, long Length);

    /// <summary>A private copy of the model file (deleted on dispose), the original's timestamp and length, and its SHA-256.</summary>
    private sealed record ModelSnapshot(string CopyPath, DateTime LastWriteTimeUtc, long Length, string Sha256) : IDisposable
    {
        public void Dispose() => File.Delete(CopyPath);
    }

    /// <summary>Disposes the current generation (at shutdown, after the server stopped taking requests).</summary>
    public void Dispose() => Current.Retire();

    /// <summary>A request's hold on one generation: the generation stays alive until the lease is disposed.</summary>
    public readonly struct Lease(ModelGeneration generation) : IDisposable
    {
        /// <summary>The generation that serves the whole request.</summary>
        public ModelGeneration Generation { get; } = generation;

        /// <summary>Leaves the generation.</summary>
        public void Dispose() => Generation.Exit();
    }
}

/// <summary>A failed reload: when, the file's timestamp and length then, and the reason.</summary>
public sealed record ReloadError(DateTimeOffset At, DateTime LastWriteTimeUtc, long Length, string Message);
