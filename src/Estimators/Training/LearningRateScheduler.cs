using TorchSharp;

namespace MLNet.Lstm.Training;

/// <summary>
/// The learning rate of each epoch under an <see cref="LstmLearningRateSchedule"/> (the enum documents the rules),
/// applied to every parameter group of the optimizer before the epoch.
/// </summary>
internal sealed class LearningRateScheduler
{
    /// <summary>Epochs without improvement before <see cref="LstmLearningRateSchedule.ReduceOnPlateau"/> halves the rate.</summary>
    public const int PlateauPatience = 5;

    /// <summary>The factor of each reduction on a plateau.</summary>
    public const double PlateauFactor = 0.5;

    /// <summary>The lowest rate on a plateau, as a fraction of the base rate.</summary>
    public const double PlateauFloor = 1e-3;

    private readonly LstmLearningRateSchedule _schedule;
    private readonly double _baseRate, _minDelta;
    private readonly int _epochs;
    private double _plateauRate, _best = double.PositiveInfinity;
    private int _wait;

    public LearningRateScheduler(LstmLearningRateSchedule schedule, double baseRate, int epochs, double minDelta)
    {
        _schedule = schedule;
        _baseRate = baseRate;
        _plateauRate = baseRate;
        _epochs = epochs;
        _minDelta = minDelta;
    }

    /// <summary>The rate of epoch <paramref name="epoch"/> (1-based).</summary>
    public double RateFor(int epoch) => _schedule switch
    {
        LstmLearningRateSchedule.Constant => _baseRate,
        LstmLearningRateSchedule.Cosine => _baseRate * (1 + Math.Cos(Math.PI * (epoch - 1) / _epochs)) / 2,
        LstmLearningRateSchedule.ReduceOnPlateau => _plateauRate,
        _ => throw new ArgumentOutOfRangeException(nameof(_schedule), _schedule, "Unknown learning-rate schedule."),
    };

    /// <summary>Records the monitored loss of a finished epoch (what <see cref="LstmLearningRateSchedule.ReduceOnPlateau"/> watches).</summary>
    public void Observe(double monitored)
    {
        if (monitored < _best - _minDelta)
        {
            _best = monitored;
            _wait = 0;
            return;
        }
        if (++_wait >= PlateauPatience)
        {
            _plateauRate = Math.Max(_plateauRate * PlateauFactor, _baseRate * PlateauFloor);
            _wait = 0;
        }
    }

    /// <summary>Sets the rate of <paramref name="epoch"/> on every parameter group (nothing for the constant schedule, so its fits are unchanged).</summary>
    public void Apply(torch.optim.Optimizer optimizer, int epoch)
    {
        if (_schedule == LstmLearningRateSchedule.Constant)
            return;
        double rate = RateFor(epoch);
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = rate;
    }
}
