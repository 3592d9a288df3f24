using System.Security.Cryptography;
using Microsoft.ML;
using MLNet.Lstm;

namespace ForecastService;

/// <summary>
/// Holds the current <see cref="ModelGeneration"/> and swaps it atomically when the model file changes. A reload
/// loads a private copy of the file (so a rename during the load cannot mix two files); a file that fails to load
/// keeps the current model serving, is logged, and shows in <see cref="LastReloadError"/>.
/// </summary>
public sealed class ModelHost : IDisposable
{
    private readonly ServiceOptions _options;
    private readonly ILogger<ModelHost> _logger;
    private readonly object _reloadLock = new();
    private readonly List<ModelGeneration> _retired = new();
    private ModelGeneration _current;

    /// <summary>Loads the model at start-up; a file that cannot be loaded stops the service with the reason.</summary>
    public ModelHost(ServiceOptions options, ILogger<ModelHost> logger)
    {
        _options = options;
        _logger = logger;
        _current = Load(1);
        _logger.LogInformation("Loaded model {Path} (generation 1, SHA-256 {Sha}): window {Window} × {Columns}, target {Target}, horizon {Horizon}.",
            options.ModelPath, _current.Stamp.Sha256, _current.Windowing.WindowSize, string.Join(",", _current.Windowing.FeatureColumnNames),
            _current.Windowing.TargetColumnName, _current.Windowing.Horizon);
    }

    /// <summary>The generation new requests enter.</summary>
    public ModelGeneration Current => Volatile.Read(ref _current);

    /// <summary>The last failed reload (when, which file state, why); null after a successful one.</summary>
    public ReloadError? LastReloadError { get; private set; }

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
    /// Reloads the file when its timestamp, length or content differ from the current generation's and from the last
    /// failed attempt's. Returns true when a new generation was swapped in.
    /// </summary>
    public bool ReloadIfChanged()
    {
        lock (_reloadLock)
        {
            if (!FileChanged())
                return false;
            var current = Current;
            if (ModelFileStamp.Peek(_options.ModelPath) is not { } peek)
                return false;
            ModelGeneration next;
            try
            {
                next = Load(current.Number + 1);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LastReloadError = new ReloadError(DateTimeOffset.UtcNow, peek.Item1, peek.Item2, e.Message);
                _logger.LogError("Reloading {Path} failed; generation {Generation} keeps serving. {Reason}", _options.ModelPath, current.Number, e.Message);
                return false;
            }
            LastReloadError = null;
            if (next.Stamp.Sha256 == current.Stamp.Sha256)
            {
                next.Retire(); // same content, new timestamp: keep serving the current generation
                return false;
            }
            lock (_retired)
                _retired.Add(current);
            Volatile.Write(ref _current, next);
            current.Retire();
            _logger.LogInformation("Reloaded {Path}: generation {Generation} (SHA-256 {Sha}) replaces {Old}.",
                _options.ModelPath, next.Number, next.Stamp.Sha256, current.Number);
            return true;
        }
    }

    /// <summary>
    /// True when the file exists and its timestamp or length differ from the current generation's and from the last
    /// failed attempt's (a broken file is tried once, until it changes again).
    /// </summary>
    public bool FileChanged()
    {
        var peek = ModelFileStamp.Peek(_options.ModelPath);
        var current = Current.Stamp;
        return peek is not null && peek != (current.LastWriteTimeUtc, current.Length)
            && !(LastReloadError is { } failed && peek == (failed.LastWriteTimeUtc, failed.Length));
    }

    private ModelGeneration Load(int number)
    {
        string path = _options.ModelPath;
        var peek = ModelFileStamp.Peek(path)
            ?? throw new FileNotFoundException($"The model file '{path}' does not exist. Pass --model with a model zip saved by mlContext.Model.Save.", path);
        string snapshot = Path.Combine(Path.GetTempPath(), $"forecast-service-{Environment.ProcessId}-{Guid.NewGuid():N}.zip");
        try
        {
            File.Copy(path, snapshot);
            string sha;
            using (var stream = File.OpenRead(snapshot))
                sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            SeriesForecaster loaded;
            try
            {
                loaded = new MLContext().Forecasting.LoadSeriesForecaster(snapshot);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"The model file '{path}' could not be loaded: {e.Message.Replace(snapshot, path)}", e);
            }
            return new ModelGeneration(number, loaded, new ModelFileStamp(peek.Item1, peek.Item2, sha), _options.PoolSize);
        }
        finally
        {
            File.Delete(snapshot);
        }
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
