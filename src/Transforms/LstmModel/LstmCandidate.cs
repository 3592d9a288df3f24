namespace MLNet.Lstm;

/// <summary>
/// One candidate configuration of a validation choice (<see cref="LstmCandidateSelection"/>) and its figures.
/// </summary>
/// <param name="Name">A short description of the candidate (e.g. <c>RelativeToLast, Mae, plain, window 24</c>).</param>
/// <param name="ValidationError">The candidate's mean validation error in the selection's
/// <see cref="LstmCandidateSelection.Metric"/>; NaN when the candidate was not trained (see <see cref="Skipped"/>).</param>
public sealed record LstmCandidate(string Name, double ValidationError)
{
    /// <summary>The window normalisation of the candidate's chain (null for the trainer's own choice, which keeps the chain's).</summary>
    public WindowNormalization? Normalization { get; init; }

    /// <summary>The candidate's training loss.</summary>
    public LstmLoss Loss { get; init; } = LstmLoss.Mse;

    /// <summary>The candidate's seasonal period, 0 for the plain network.</summary>
    public int SeasonalPeriod { get; init; }

    /// <summary>The candidate's window length T.</summary>
    public int WindowSize { get; init; }

    /// <summary>
    /// The standard error of the mean, over the validation items, of this candidate's error minus the error of the
    /// reported candidate with the lowest mean error (0 for that one itself, for fewer than two items and for a skipped
    /// candidate): the noise of the comparison.
    /// </summary>
    public double StandardErrorToBest { get; init; }

    /// <summary>Why the candidate was not trained (its constraints, or the time budget was spent); null when it was.</summary>
    public string? Skipped { get; init; }
}
