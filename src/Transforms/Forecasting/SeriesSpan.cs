namespace MLNet.Lstm;

/// <summary>One series of a <see cref="SeriesTable"/>: its key, its first row in the data and its number of rows.</summary>
/// <param name="Key">The series key as text, or null when the data is read without a key column.</param>
/// <param name="FirstRow">The 0-based data row of the series' first row.</param>
/// <param name="Length">The series' number of rows.</param>
internal sealed record SeriesSpan(string? Key, int FirstRow, int Length)
{
    /// <summary>The key as <see cref="SeriesForecaster"/>'s <c>...BySeries</c> methods give it: <c>""</c> without a key column.</summary>
    public string ForecastKey => Key ?? "";

    /// <summary>Row <paramref name="row"/> (within the series) for a message: with a key, also the series and the data row.</summary>
    public string Describe(int row) => Key is null ? $"row {row}" : $"row {row} of series '{Key}' (row {FirstRow + row} of the data)";
}
