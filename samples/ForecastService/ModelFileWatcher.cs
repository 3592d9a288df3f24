namespace ForecastService;

/// <summary>
/// Watches the model file: a <see cref="FileSystemWatcher"/> on its folder (a write or a rename onto its name), and a
/// poll of its timestamp and length every <see cref="ServiceOptions.PollInterval"/> in case an event is missed. Both
/// only schedule a reload after <see cref="ServiceOptions.ReloadDebounce"/> of quiet; the reload itself runs on the
/// timer thread, one at a time.
/// </summary>
public sealed class ModelFileWatcher(ModelHost host, ServiceOptions options, ILogger<ModelFileWatcher> logger) : BackgroundService
{
    private Timer? _debounce;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string folder = Path.GetDirectoryName(options.ModelPath)!;
        string name = Path.GetFileName(options.ModelPath);
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        using var watcher = new FileSystemWatcher(folder, name)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        watcher.Changed += (_, _) => Schedule();
        watcher.Created += (_, _) => Schedule();
        watcher.Renamed += (_, e) => { if (string.Equals(e.FullPath, options.ModelPath, StringComparison.Ordinal)) Schedule(); };
        watcher.Error += (_, e) => logger.LogWarning("Watching {Path} failed ({Reason}); the poll every {Poll} keeps checking.",
            options.ModelPath, e.GetException().Message, options.PollInterval);
        try
        {
            watcher.EnableRaisingEvents = options.WatchFileEvents;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // e.g. the inotify instance limit reached: the poll alone still notices a replaced file.
            logger.LogWarning("Cannot watch {Path} ({Reason}); polling it every {Poll} instead.", options.ModelPath, e.Message, options.PollInterval);
        }
        using var poll = new PeriodicTimer(options.PollInterval);
        try
        {
            while (await poll.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (host.FileChanged())
                        Schedule();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning("Polling {Path} failed ({Reason}); trying again in {Poll}.", options.ModelPath, e.Message, options.PollInterval);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _debounce.Dispose();
        }
    }

    private void Schedule() => _debounce?.Change(options.ReloadDebounce, Timeout.InfiniteTimeSpan);

    private void Reload()
    {
        try
        {
            host.ReloadIfChanged();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "Reloading {Path} failed.", options.ModelPath);
        }
    }
}
