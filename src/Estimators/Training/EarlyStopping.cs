namespace MLNet.Lstm.Training;

/// <summary>
/// Collaborator of the epoch loop: tracks the best monitored loss (validation loss, else training loss), its epoch
/// and (with <c>RestoreBestWeights</c>) its weights, and says when <c>EarlyStoppingPatience</c> epochs passed without
/// an improvement of more than <c>EarlyStoppingMinDelta</c>.
/// </summary>
internal sealed class EarlyStopping
{
    private readonly int _patience;
    private readonly double _minDelta;
    private readonly bool _keepBestWeights;

    public EarlyStopping(int patience, double minDelta, bool keepBestWeights)
    {
        _patience = patience;
        _minDelta = minDelta;
        _keepBestWeights = keepBestWeights;
    }

    /// <summary>The lowest monitored loss so far (+∞ before the first epoch).</summary>
    public double Best { get; private set; } = double.PositiveInfinity;

    /// <summary>The epoch of <see cref="Best"/> (0 before the first epoch).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The weights of <see cref="BestEpoch"/> when kept, else null.</summary>
    public LstmNetworkWeights? BestWeights { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>Whether patience is on and has run out.</summary>
    public bool ShouldStop => _patience > 0 && Wait >= _patience;

    /// <summary>Starts from a resumed checkpoint's best epoch (its weights when they are known).</summary>
    public void Restore(double best, int bestEpoch, LstmNetworkWeights? bestWeights)
    {
        Best = best;
        BestEpoch = bestEpoch;
        BestWeights = bestWeights;
    }

    /// <summary>Records an epoch's monitored loss; returns whether it improved (then snapshots the weights when kept).</summary>
    public bool Observe(int epoch, double monitored, Func<LstmNetworkWeights> snapshot)
    {
        if (!(monitored < Best - _minDelta))
        {
            Wait++;
            return false;
        }
        Best = monitored;
        BestEpoch = epoch;
        Wait = 0;
        if (_keepBestWeights)
            BestWeights = snapshot();
        return true;
    }
}
