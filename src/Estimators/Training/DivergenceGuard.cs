namespace MLNet.Lstm.Training;

/// <summary>
/// Collaborator of the epoch loop: stops a fit whose loss is not finite (checked at every batch) or has grown by
/// <see cref="GrowthFactor"/> or more over its best (checked after every epoch), with a message that names the epoch
/// and suggests a smaller learning rate.
/// </summary>
/// <remarks>
/// An epoch's mean training loss is compared with the lowest of the first batches' mean loss (at least
/// <see cref="ReferenceWindows"/> windows) and every earlier epoch's; the validation loss with its lowest earlier
/// value; a best below <see cref="ReferenceFloor"/> counts as that floor. Why 10⁴: docs/trainer.md, 'Divergence'.
/// </remarks>
internal sealed class DivergenceGuard
{
    /// <summary>How many times its best an epoch's loss may grow before the fit is stopped as diverged.</summary>
    public const double GrowthFactor = 1e4;

    /// <summary>
    /// The smallest best loss the growth is measured from: a fit that reached a loss of (almost) 0 is not called
    /// diverged until its loss exceeds <see cref="GrowthFactor"/> × this (10⁻⁴).
    /// </summary>
    public const double ReferenceFloor = 1e-8;

    /// <summary>The fewest windows whose mean first-batch loss is the untrained network's reference loss.</summary>
    public const int ReferenceWindows = 16;

    private readonly float _learningRate;
    private double _referenceSum;
    private long _referenceCount;
    private double _bestTrain = double.PositiveInfinity, _bestValidation = double.PositiveInfinity;

    public DivergenceGuard(float learningRate) => _learningRate = learningRate;

    /// <summary>Checks one batch's loss; the first batches also make the reference.</summary>
    public void ObserveBatch(int epoch, double loss, int count)
    {
        if (!double.IsFinite(loss))
            throw NotFinite(epoch, "training", loss);
        if (_referenceCount < ReferenceWindows)
        {
            _referenceSum += loss * count;
            _referenceCount += count;
        }
    }

    /// <summary>Checks an epoch's losses against their best so far, then records them.</summary>
    public void CheckEpoch(int epoch, double trainLoss, double? validationLoss)
    {
        if (validationLoss is double v && !double.IsFinite(v))
            throw NotFinite(epoch, "validation", v);
        double reference = Math.Min(_bestTrain, _referenceCount > 0 ? _referenceSum / _referenceCount : double.PositiveInfinity);
        if (trainLoss > GrowthFactor * Math.Max(reference, ReferenceFloor))
            throw Grew(epoch, "training", trainLoss, reference);
        if (validationLoss is double grown && grown > GrowthFactor * Math.Max(_bestValidation, ReferenceFloor))
            throw Grew(epoch, "validation", grown, _bestValidation);
        _bestTrain = Math.Min(_bestTrain, trainLoss);
        if (validationLoss is double val)
            _bestValidation = Math.Min(_bestValidation, val);
    }

    private InvalidOperationException NotFinite(int epoch, string which, double value) =>
        new($"Training diverged in epoch {epoch}: the {which} loss is {value}. Try a lower LearningRate than {_learningRate} " +
            "(or set GradientClipNorm), and check the data for NaN or huge values (normalise the windows).");

    private InvalidOperationException Grew(int epoch, string which, double value, double best) =>
        new($"Training diverged in epoch {epoch}: the {which} loss {value:G4} is more than {GrowthFactor:G0} times its best so far ({best:G4}). " +
            $"Try a lower LearningRate than {_learningRate} (e.g. {_learningRate / 100:G3}), or set GradientClipNorm, and normalise the windows (NormalizeWindows).");
}
