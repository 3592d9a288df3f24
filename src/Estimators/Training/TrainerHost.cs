using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Lstm.Training;

/// <summary>
/// What one fit takes from the user's <see cref="MLContext"/> (<c>Options.Context</c>), as ML.NET's own trainers take
/// it from their environment: the log channel (source <c>LstmForecastingTrainer</c>), a progress channel
/// (<c>IProgressChannel</c>, one checkpoint per epoch) and, when the options set no <c>Seed</c>, the seed, drawn from
/// a host registered on the context (so <c>new MLContext(seed: n)</c> makes fits reproducible and
/// <c>new MLContext()</c> does not). Without a context: no messages, and seed 0.
/// </summary>
internal sealed class TrainerHost : IDisposable
{
    private int _epoch;
    private readonly int _epochs;

    private TrainerHost(IChannel? log, IProgressChannel? progress, int seed, int epochs)
    {
        Log = log;
        Progress = progress;
        Seed = seed;
        _epochs = epochs;
        progress?.SetHeader(new ProgressHeader(new[] { "train loss", "validation loss" }, new[] { "epochs" }),
            entry => entry.SetProgress(0, _epoch, _epochs));
    }

    /// <summary>The log channel, or null without a context.</summary>
    public IChannel? Log { get; }

    /// <summary>ML.NET's progress channel, or null without a context.</summary>
    public IProgressChannel? Progress { get; }

    /// <summary>The seed of this fit: the options' <c>Seed</c>, else one drawn from the context, else 0.</summary>
    public int Seed { get; }

    /// <summary>Opens the channels of one fit and resolves its seed.</summary>
    public static TrainerHost Start(MLContext? context, int? seed, int epochs)
    {
        if (context is null)
            return new TrainerHost(null, null, seed ?? 0, epochs);
        IHostEnvironment environment = context;
        var host = environment.Register(nameof(LstmForecastingTrainer));
        int resolved = seed ?? host.Rand.Next();
        var log = environment.Start(nameof(LstmForecastingTrainer));
        var progress = host.StartProgressChannel("Training");
        return new TrainerHost(log, progress, resolved, epochs);
    }

    /// <summary>Reports an epoch on the progress channel (metrics: training and validation loss; unit: epochs).</summary>
    public void ReportEpoch(int epoch, double trainLoss, double? validationLoss)
    {
        _epoch = epoch;
        Progress?.Checkpoint(trainLoss, validationLoss, epoch);
    }

    public void Dispose()
    {
        Progress?.Dispose();
        Log?.Dispose();
    }
}
