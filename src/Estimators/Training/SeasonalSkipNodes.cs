namespace MLNet.Lstm.Training;

/// <summary>The seasonal skip each member applies: <c>output (· Scale) + Base</c>.</summary>
/// <param name="Base">The seasonal-naive values (plus the target's mean difference for standardised differences).</param>
/// <param name="Scale">The target's deviation σ for standardised differences, or null.</param>
internal sealed record SeasonalSkipNodes(string Base, string? Scale);
