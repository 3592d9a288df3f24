namespace MLNet.Lstm.Training;

/// <summary>The seeds of a seed ensemble's member networks (<see cref="LstmForecastingTrainer.Options.EnsembleSize"/>).</summary>
internal static class LstmEnsemble
{
    /// <summary>
    /// The seed of member <paramref name="member"/> (0-based) of a fit seeded with <paramref name="seed"/>: the seed
    /// itself for member 0 (so <c>EnsembleSize = 1</c> trains exactly the network it trained before ensembles), then
    /// seeds a large odd stride apart, so that the members of fits with neighbouring seeds (1, 2, 3) do not coincide.
    /// </summary>
    /// <param name="seed">The fit's seed.</param>
    /// <param name="member">The member's index, 0 or more.</param>
    public static int MemberSeed(int seed, int member)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(member);
        return unchecked(seed + member * 1_000_003);
    }

    /// <summary>The plan of member <paramref name="member"/> of a loss ensemble (plan member mod n); null without plans.</summary>
    /// <param name="plans">The options' <see cref="LstmForecastingTrainer.Options.MemberPlans"/>.</param>
    /// <param name="member">The member's index, 0 or more.</param>
    public static LstmMemberPlan? PlanOf(IReadOnlyList<LstmMemberPlan>? plans, int member) =>
        plans is { Count: > 0 } ? plans[member % plans.Count] : null;
}
