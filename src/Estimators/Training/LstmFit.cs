using Microsoft.ML.Runtime;

namespace MLNet.Lstm.Training;

/// <summary>
/// The context of one <see cref="LstmForecastingTrainer"/> fit, handed to every stage in place of loose arguments:
/// the options, the host (log, progress channel, seed), the cancellation token and the phase clock that reports to
/// the trainer's <see cref="LstmFitEvents"/>. <see cref="WithOptions"/> gives a context for a candidate trained with
/// a variant of the options (same host, token and clock).
/// </summary>
internal sealed class LstmFit : IDisposable
{
    private readonly CancellationTokenSource? _linked;
    private readonly bool _ownsHost;

    private LstmFit(LstmForecastingTrainer.Options options, TrainerHost host, CancellationToken cancellation,
        LstmPhaseClock clock, LstmFitEvents events, CancellationTokenSource? linked, bool ownsHost)
    {
        Options = options;
        Host = host;
        Cancellation = cancellation;
        Clock = clock;
        Events = events;
        _linked = linked;
        _ownsHost = ownsHost;
    }

    /// <summary>The options this fit trains with.</summary>
    public LstmForecastingTrainer.Options Options { get; }

    /// <summary>The log and progress channels and the fit's seed.</summary>
    public TrainerHost Host { get; }

    /// <summary>The log channel, or null without a context.</summary>
    public IChannel? Log => Host.Log;

    /// <summary>The fit's seed (member 0's; see <see cref="LstmEnsemble.MemberSeed"/>).</summary>
    public int Seed => Host.Seed;

    /// <summary>The fit's token and the options' token together; checked before every batch.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Times the phases of the fit and reports them to <see cref="Events"/>.</summary>
    public LstmPhaseClock Clock { get; }

    /// <summary>The observers of this fit (the trainer's).</summary>
    public LstmFitEvents Events { get; }

    /// <summary>
    /// Starts a fit with <paramref name="options"/> (already validated): links <paramref name="cancellation"/> with
    /// the options' token, opens the host's channels and resolves the seed, and starts the phase clock.
    /// </summary>
    public static LstmFit Start(LstmForecastingTrainer.Options options, CancellationToken cancellation, LstmFitEvents? events = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        events ??= new LstmFitEvents();
        var linked = cancellation.CanBeCanceled && options.CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellation, options.CancellationToken) : null;
        var token = linked?.Token ?? (cancellation.CanBeCanceled ? cancellation : options.CancellationToken);
        try
        {
            var host = TrainerHost.Start(options.Context, options.Seed, options.Epochs);
            return new LstmFit(options, host, token, new LstmPhaseClock(events), events, linked, ownsHost: true);
        }
        catch
        {
            linked?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A context for one candidate trained with <paramref name="variant"/> of the options (e.g. from
    /// <see cref="LstmForecastingTrainer.Options.Copy"/>): the same host, seed, token, clock and events; disposing it
    /// releases nothing.
    /// </summary>
    public LstmFit WithOptions(LstmForecastingTrainer.Options variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return new LstmFit(variant, Host, Cancellation, Clock, Events, linked: null, ownsHost: false);
    }

    /// <summary>Raises <see cref="LstmFitEvents.BatchStarting"/> and throws when the fit is cancelled.</summary>
    public void BeforeBatch(int epoch, int batch)
    {
        Cancellation.ThrowIfCancellationRequested();
        Events.OnBatchStarting(epoch, batch);
    }

    public void Dispose()
    {
        if (!_ownsHost)
            return;
        Host.Dispose();
        _linked?.Dispose();
    }
}
