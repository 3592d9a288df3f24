using Microsoft.ML.Runtime;
using TorchSharp;

namespace MLNet.Lstm.Training;

/// <summary>
/// Collaborator of the epoch loop: after every epoch writes <c>last.*</c>, and <c>best.*</c> when the epoch improved,
/// into <c>Options.CheckpointDirectory</c> (nothing when it is null).
/// </summary>
internal sealed class CheckpointWriter
{
    private readonly string? _directory;
    private readonly LstmNetworkShape _shape;
    private readonly LstmOptimizer _optimizer;
    private readonly IChannel? _log;

    public CheckpointWriter(string? directory, LstmNetworkShape shape, LstmOptimizer optimizer, IChannel? log)
    {
        _directory = directory;
        _shape = shape;
        _optimizer = optimizer;
        _log = log;
    }

    /// <summary>The sidecar of an epoch's checkpoint.</summary>
    public LstmCheckpointInfo InfoOf(int epoch, EarlyStopping best, double trainLoss, double? validationLoss) =>
        new(LstmCheckpointInfo.CurrentFormatVersion, epoch, best.BestEpoch, best.Best, trainLoss, validationLoss,
            _shape.ArchitectureHash, _shape.WindowSize, _shape.FeatureCount, _shape.Horizon, _shape.HiddenSizes.ToArray(), _optimizer.ToString());

    /// <summary>Writes the epoch's checkpoints.</summary>
    public void AfterEpoch(LstmNetwork network, torch.optim.Optimizer optimizer, LstmCheckpointInfo info, bool improved)
    {
        if (_directory is null)
            return;
        LstmCheckpoint.Write(_directory, LstmCheckpoint.LastName, network, optimizer, info);
        if (improved)
            LstmCheckpoint.Write(_directory, LstmCheckpoint.BestName, network, optimizer, info);
        _log?.Trace(MessageSensitivity.None, $"Checkpoint of epoch {info.Epoch} written to '{_directory}'{(improved ? " (also as best)" : "")}.");
    }

    /// <summary>
    /// On resuming from a checkpoint whose own epoch is the best one, makes <c>best.*</c> in the checkpoint folder
    /// hold it (an interrupted save may have left an older or half-renamed <c>best.*</c>), so that a later resume from
    /// this folder finds the best weights.
    /// </summary>
    public void RepairBest(LstmNetwork network, torch.optim.Optimizer optimizer, LstmCheckpointInfo resumed)
    {
        if (_directory is null || resumed.BestEpoch != resumed.Epoch || LstmCheckpoint.HoldsEpoch(_directory, LstmCheckpoint.BestName, resumed.Epoch))
            return;
        LstmCheckpoint.Write(_directory, LstmCheckpoint.BestName, network, optimizer, resumed with { Optimizer = _optimizer.ToString() });
        _log?.Info(MessageSensitivity.None, $"The best checkpoint (epoch {resumed.Epoch}) in '{_directory}' was rewritten from the resumed one.");
    }

    /// <summary>
    /// On resuming into another folder, copies the best checkpoint of an epoch before the resumed one (read and
    /// verified from the resumed checkpoint's folder) unless the folder already holds it, so that a later resume from
    /// this folder finds the best weights.
    /// </summary>
    public void CopyEarlierBest(string resumedStatePath, int bestEpoch)
    {
        string source = Path.GetDirectoryName(Path.GetFullPath(resumedStatePath))!;
        if (_directory is null || Path.GetFullPath(_directory).TrimEnd(Path.DirectorySeparatorChar) == source
            || LstmCheckpoint.HoldsEpoch(_directory, LstmCheckpoint.BestName, bestEpoch))
            return;
        LstmCheckpoint.Copy(source, _directory, LstmCheckpoint.BestName);
        _log?.Info(MessageSensitivity.None, $"The best checkpoint (epoch {bestEpoch}) was copied from '{source}' to '{_directory}'.");
    }
}
