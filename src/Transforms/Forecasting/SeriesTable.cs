using Microsoft.ML.Data;

namespace MLNet.Lstm;

/// <summary>
/// The series of a data view in memory, as <see cref="SeriesReader"/> read them: every row's values of the named
/// columns as Single (NaN and ±∞ kept as read), and the series (one <see cref="SeriesSpan"/> per key, in data order).
/// </summary>
internal sealed class SeriesTable
{
    public SeriesTable(string[] columnNames, float[][] rows, IReadOnlyList<SeriesSpan> spans, DataViewType? keyType)
    {
        ColumnNames = columnNames;
        Rows = rows;
        Spans = spans;
        KeyType = keyType;
    }

    /// <summary>The columns read, in the order of each row's values.</summary>
    public string[] ColumnNames { get; }

    /// <summary>One array of values per data row, in <see cref="ColumnNames"/> order.</summary>
    public float[][] Rows { get; }

    /// <summary>The series, in data order; one span of all rows (key null) when read without a key column.</summary>
    public IReadOnlyList<SeriesSpan> Spans { get; }

    /// <summary>The type of the data's key column, or null when read without one.</summary>
    public DataViewType? KeyType { get; }

    /// <summary>The rows of one series.</summary>
    public float[][] RowsOf(SeriesSpan span) => Rows[span.FirstRow..(span.FirstRow + span.Length)];

    /// <summary>
    /// The NaN rule's check: the values of <paramref name="columns"/> in rows <c>[from, to)</c> of
    /// <paramref name="span"/> must be finite.
    /// </summary>
    /// <param name="span">The series.</param>
    /// <param name="rows">The rows within the series (from, to).</param>
    /// <param name="columns">Indices into <see cref="ColumnNames"/>.</param>
    /// <param name="suffix">What follows the location in the message: the role of the rows and the fix.</param>
    /// <exception cref="InvalidOperationException">A value is NaN or ±∞; the message names the column, the row (and series) and the fix.</exception>
    public void RequireFinite(SeriesSpan span, (int From, int To) rows, IEnumerable<int> columns, string suffix)
    {
        var indices = columns as int[] ?? columns.ToArray();
        for (int r = rows.From; r < rows.To; r++)
        {
            var row = Rows[span.FirstRow + r];
            foreach (int f in indices)
            {
                if (!float.IsFinite(row[f]))
                    throw new InvalidOperationException($"Column '{ColumnNames[f]}' is {row[f]} at {span.Describe(r)}{suffix}");
            }
        }
    }
}
