using System.Globalization;
using Microsoft.ML;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// How the series of a table fare with a window of T rows and a horizon of h: which give training windows (at least
/// T + h rows) and which are forecast from left-padded rows (fewer than T). Made by <see cref="Read"/>;
/// <see cref="EnsureTrainable"/> refuses a table where no series gives a training window. See docs/windows.md,
/// "Short series".
/// </summary>
/// <param name="WindowSize">T.</param>
/// <param name="Horizon">h.</param>
/// <param name="SeriesCount">The number of series (1 without a key column).</param>
/// <param name="ShortestLength">The fewest rows of a series.</param>
/// <param name="LongestLength">The most rows of a series.</param>
/// <param name="TrainableSeriesCount">Series of at least T + h rows (they give training windows).</param>
/// <param name="PaddedSeriesCount">Series of fewer than T rows (their forecast is left-padded).</param>
public sealed record SeriesLengthSummary(int WindowSize, int Horizon, int SeriesCount, long ShortestLength, long LongestLength,
    int TrainableSeriesCount, int PaddedSeriesCount)
{
    /// <summary>Series of fewer than T + h rows: no training window (they are forecast, padded when shorter than T).</summary>
    public int UntrainableSeriesCount => SeriesCount - TrainableSeriesCount;

    /// <summary>Counts the rows of each series of <paramref name="data"/>.</summary>
    /// <param name="data">The table, each key's rows contiguous and in time order.</param>
    /// <param name="seriesColumnName">The key column (text or integer), or null for one series.</param>
    /// <param name="windowSize">T, at least 1.</param>
    /// <param name="horizon">h, at least 1.</param>
    /// <exception cref="ArgumentException">The key column is missing or not a key type.</exception>
    /// <exception cref="InvalidOperationException">A key reappears after another key (SlidingWindow's error).</exception>
    public static SeriesLengthSummary Read(IDataView data, string? seriesColumnName, int windowSize, int horizon)
    {
        Guard.NotNull(data);
        Guard.AtLeast(windowSize, 1);
        Guard.AtLeast(horizon, 1);
        var lengths = new List<long>();
        if (seriesColumnName is null)
            lengths.Add(data.GetRowCount() ?? CountRows(data));
        else
            lengths.AddRange(CountRowsPerKey(data, seriesColumnName));
        return Of(lengths, windowSize, horizon);
    }

    /// <summary>The summary of series of <paramref name="lengths"/> rows (none: one empty series).</summary>
    /// <param name="lengths">Each series' number of rows.</param>
    /// <param name="windowSize">T, at least 1.</param>
    /// <param name="horizon">h, at least 1.</param>
    public static SeriesLengthSummary Of(IReadOnlyCollection<long> lengths, int windowSize, int horizon)
    {
        Guard.AtLeast(windowSize, 1);
        Guard.AtLeast(horizon, 1);
        var n = lengths.Count == 0 ? new long[] { 0 } : lengths;
        return new SeriesLengthSummary(windowSize, horizon, n.Count, n.Min(), n.Max(),
            n.Count(x => x >= windowSize + horizon), n.Count(x => x < windowSize));
    }

    /// <summary>Throws when no series gives a training window (every series has fewer than T + h rows).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No series gives a training window; the message names the shortest
    /// and longest lengths, the window and the horizon.</exception>
    public void EnsureTrainable()
    {
        if (TrainableSeriesCount > 0)
            return;
        var inv = CultureInfo.InvariantCulture;
        throw new ArgumentOutOfRangeException("windowSize", WindowSize,
            string.Format(inv, "Every one of the {0} series is shorter than the window plus the horizon ({1} + {2} = {3} rows), so none gives a training window: " +
                "the shortest series has {4} rows, the longest {5} (window {1}, horizon {2}). Use a window of at most {6} rows (the longest series minus the horizon), a shorter horizon, or longer series.",
                SeriesCount, WindowSize, Horizon, WindowSize + Horizon, ShortestLength, LongestLength, Math.Max(1, LongestLength - Horizon)));
    }

    /// <summary>A line for a log, e.g. <c>3 series (2 to 40 rows), window 6, horizon 2: 1 give training windows, 2 do not (fewer than 8 rows), 1 forecast left-padded (fewer than 6 rows)</c>.</summary>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "{0} series ({1} to {2} rows), window {3}, horizon {4}: {5} give training windows, {6} do not (fewer than {7} rows), {8} forecast left-padded (fewer than {3} rows)",
        SeriesCount, ShortestLength, LongestLength, WindowSize, Horizon, TrainableSeriesCount, UntrainableSeriesCount, WindowSize + Horizon, PaddedSeriesCount);

    private static List<long> CountRowsPerKey(IDataView data, string seriesColumnName)
    {
        var column = data.Schema.GetColumnOrNull(seriesColumnName)
            ?? throw new ArgumentException($"The data has no series key column '{seriesColumnName}'. Columns: {string.Join(", ", data.Schema.Select(c => c.Name))}.", nameof(seriesColumnName));
        if (!SeriesKeyReader.IsSupported(column.Type))
            throw new ArgumentException(SeriesKeyReader.NotSupported(seriesColumnName, column.Type).Message, nameof(seriesColumnName));
        var counts = new List<long>();
        using var cursor = data.GetRowCursor(new[] { column });
        var key = SeriesKeyReader.Create(cursor, column);
        long row = -1;
        while (cursor.MoveNext())
        {
            row++;
            bool started = key.Next(row); // false on the first row, true when a new key starts
            if (row == 0 || started)
                counts.Add(0);
            counts[^1]++;
        }
        return counts;
    }

    private static long CountRows(IDataView data)
    {
        long count = 0;
        using var cursor = data.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        while (cursor.MoveNext())
            count++;
        return count;
    }
}
