namespace MLNet.Lstm.Training;

/// <summary>
/// Stages 2 to 4 for one candidate network of a fit: every ensemble member set up (<see cref="LstmTrainingSetup"/>),
/// trained (<see cref="LstmEpochLoop"/>) and given the weights it keeps (<see cref="LstmModelAssembler.ChooseWeights"/>).
/// A candidate of other options is fitted with <see cref="LstmFit.WithOptions"/>.
/// </summary>
internal static class LstmCandidateTrainer
{
    /// <summary>
    /// Trains one candidate network of <paramref name="shape"/> with the options of <paramref name="fit"/>: every
    /// member of the ensemble, each with its own seed; with <paramref name="scoreValidation"/> each member also scores
    /// the validation windows with the weights it keeps.
    /// </summary>
    public static LstmCandidateFit FitCandidate(LstmFit fit, LstmTrainingInput data, LstmNetworkShape shape,
        LstmResumePoint? resume = null, bool scoreValidation = false)
    {
        int size = fit.Options.EnsembleSize;
        var members = new List<LstmMemberFit>(size);
        for (int member = 0; member < size; member++)
            members.Add(FitMember(MemberFit(fit, member), data, shape, resume, LstmEnsemble.MemberSeed(fit.Seed, member), scoreValidation));
        return new LstmCandidateFit(shape, members);
    }

    /// <summary>The context of member <paramref name="member"/>: the fit's own, or one with the member's loss and epochs of <see cref="LstmForecastingTrainer.Options.MemberPlans"/>.</summary>
    private static LstmFit MemberFit(LstmFit fit, int member)
    {
        if (LstmEnsemble.PlanOf(fit.Options.MemberPlans, member) is not { } plan)
            return fit;
        var variant = fit.Options.Copy();
        variant.Loss = plan.Loss;
        variant.Epochs = plan.Epochs;
        return fit.WithOptions(variant);
    }

    /// <summary>
    /// Trains one network with <paramref name="seed"/> (setup, epochs, choice of weights); with
    /// <paramref name="scoreValidation"/> it scores the validation windows with the weights it keeps.
    /// </summary>
    public static LstmMemberFit FitMember(LstmFit fit, LstmTrainingInput data, LstmNetworkShape shape,
        LstmResumePoint? resume, int seed, bool scoreValidation)
    {
        var o = fit.Options;
        var best = new EarlyStopping(o.EarlyStoppingPatience, o.EarlyStoppingMinDelta, o.RestoreBestWeights);
        var checkpoints = new CheckpointWriter(o.CheckpointDirectory, shape, o.Optimizer, fit.Log);
        int startEpoch = resume?.StartEpoch ?? 1;
        using var setup = LstmTrainingSetup.Prepare(fit, data, shape, seed, resume, best, checkpoints);
        string device = setup.Device.Device.ToString();
        fit.Clock.Lap("tensors, network, optimizer");
        var history = new LstmEpochLoop(fit, setup, best, checkpoints).Run(startEpoch, seed);
        fit.Clock.Restart();
        var (weights, bestEpoch) = LstmModelAssembler.ChooseWeights(setup, best, history, startEpoch, o.RestoreBestWeights, fit.Log);
        var validationOutputs = scoreValidation && setup.XValidation is { } xv ? ConformalCalibration.Score(setup, weights, xv, setup.FValidation, o) : null;
        return new LstmMemberFit(weights, bestEpoch, history, device, ConformalCalibration.Predict(setup, weights, o), validationOutputs);
    }
}
