namespace MLNet.Lstm;

/// <summary>
/// A configuration chosen by validation (docs/trainer.md, "Candidate selection"): every candidate with its validation
/// error, and the one kept. Made by the one-call search of <c>ForecastByLstm(ForecastByLstmOptions)</c> and by the
/// trainer's <c>SeasonalPeriod = AutoSeasonalPeriod</c> choice, with one rule: among the candidates of a comparison, in
/// their order of preference, the first whose mean error is within one standard error (of its paired difference to the
/// best) of the best candidate's is kept.
/// </summary>
/// <param name="Metric">The validation error compared: <c>sMAPE</c> (per series, then averaged over series) for the
/// one-call search, <c>MSE</c> (per window, in the label's units) for the trainer's seasonal choice.</param>
/// <param name="Candidates">Every candidate, in the order they were considered (trained or skipped).</param>
/// <param name="ChosenIndex">The index in <paramref name="Candidates"/> of the configuration kept.</param>
public sealed record LstmCandidateSelection(string Metric, IReadOnlyList<LstmCandidate> Candidates, int ChosenIndex)
{
    /// <summary>The candidate kept.</summary>
    public LstmCandidate Chosen => Candidates[ChosenIndex];

    /// <summary>The number of validation items the errors average over (series for sMAPE, windows for MSE).</summary>
    public int ValidationItems { get; init; }

    /// <summary>
    /// The one call's hold-out: the rows held out at the end of every series (h + k − 1 for k hold-out windows per
    /// series); 0 for the trainer's choice, which compares on its validation windows.
    /// </summary>
    public int HeldOutRows { get; init; }

    /// <summary>
    /// The one call's loss ensemble when it kept one (docs/trainer.md, "The one call"): the average of its best loss
    /// candidates' hold-out forecasts, named by their losses (e.g. <c>RelativeToLast, Mae+Mase, plain, window 8</c>),
    /// with its hold-out error; the final model's members train with those losses in turn
    /// (<see cref="LstmTrainingSettings.MemberLosses"/>). Null when no ensemble beat the chosen candidate.
    /// </summary>
    public LstmCandidate? LossEnsemble { get; init; }
}
