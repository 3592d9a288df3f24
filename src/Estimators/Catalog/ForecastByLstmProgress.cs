namespace MLNet.Lstm;

/// <summary>Progress of <c>ForecastByLstm(ForecastByLstmOptions)</c>: one report per candidate of the search, then the final fit.</summary>
/// <param name="Step">The candidate's 1-based number; <paramref name="Steps"/> for the final fit on all data.</param>
/// <param name="Steps">The number of candidates plus one (the final fit).</param>
/// <param name="Name">The candidate's description, or <c>final fit</c>.</param>
/// <param name="ValidationError">The candidate's validation sMAPE; null when it was skipped and for the final fit.</param>
/// <param name="Elapsed">The time since <c>Fit</c> began.</param>
public sealed record ForecastByLstmProgress(int Step, int Steps, string Name, double? ValidationError, TimeSpan Elapsed);
