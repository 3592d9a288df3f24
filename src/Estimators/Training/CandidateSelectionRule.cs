namespace MLNet.Lstm.Training;

/// <summary>
/// The one rule that chooses between candidate configurations by validation (docs/trainer.md, "Candidate selection"),
/// used by the trainer's plain-vs-seasonal choice (<see cref="SeasonalCandidateChoice"/>) and by the one-call search
/// (<see cref="ForecastByLstmEstimator"/>): every candidate is measured on the same validation items; among the candidates
/// in their order of preference, the first whose mean error is not above the best mean by more than one standard error
/// of its paired difference to the best is kept (the one-standard-error rule, so a near-tie keeps the preferred one).
/// </summary>
internal static class CandidateSelectionRule
{
    /// <summary>
    /// The index of the candidate the rule keeps, and each candidate's standard error to the best.
    /// </summary>
    /// <param name="errors">Per candidate (in order of preference) its error on each validation item, the same items in
    /// the same order for every candidate; null for a candidate that was not trained (never kept).</param>
    /// <exception cref="ArgumentException">No candidate has errors.</exception>
    public static (int Chosen, double[] StandardErrors) Choose(IReadOnlyList<double[]?> errors)
    {
        var means = errors.Select(e => e is null || e.Length == 0 ? double.NaN : e.Average()).ToArray();
        int best = -1;
        for (int i = 0; i < means.Length; i++)
            if (!double.IsNaN(means[i]) && (best < 0 || means[i] < means[best]))
                best = i;
        if (best < 0)
            throw new ArgumentException("No candidate has validation errors to compare.", nameof(errors));
        var se = errors.Select(e => e is null ? double.NaN : PairedStandardError(e, errors[best]!)).ToArray();
        for (int i = 0; i < means.Length; i++)
            if (!double.IsNaN(means[i]) && !(means[best] < means[i] - se[i]))
                return (i, se);
        return (best, se);
    }

    /// <summary>
    /// The standard error of the mean of the paired differences <c>a[i] − b[i]</c> (sample standard deviation over
    /// √n); 0 for fewer than two pairs.
    /// </summary>
    public static double PairedStandardError(double[] a, double[] b)
    {
        int n = a.Length;
        if (n < 2)
            return 0;
        var d = a.Zip(b, (x, y) => x - y).ToArray();
        double mean = d.Average();
        double variance = d.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        return Math.Sqrt(variance / n);
    }
}
