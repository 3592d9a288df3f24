namespace MLNet.Lstm.Search;

/// <summary>One configuration of the one call's search: the chain's window normalisation and length, the loss and the seasonal period (0: plain).</summary>
internal sealed record SearchCandidate(WindowNormalization Normalization, LstmLoss Loss, int SeasonalPeriod, int WindowSize)
{
    /// <summary>The description the report and the log use.</summary>
    public string Name => $"{Normalization}, {Loss}, {(SeasonalPeriod > 0 ? $"seasonal {SeasonalPeriod}" : "plain")}, window {WindowSize}";
}
