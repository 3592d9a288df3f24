namespace MLNet.Lstm.Search;

/// <summary>One series of the data: its key (null without a key column), its first row and its target values in time order.</summary>
internal sealed record SearchSeries(string? Key, long FirstRow, float[] Values)
{
    /// <summary>The number of rows.</summary>
    public int Length => Values.Length;
}
