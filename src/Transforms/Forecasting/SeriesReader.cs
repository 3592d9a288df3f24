using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// The one reader of series data for <see cref="SeriesForecaster"/> and <c>Backtest</c>: numeric scalar columns as
/// Single, and the series key column (when given) split into contiguous series.
/// </summary>
/// <remarks>
/// NaN rule: the reader keeps every value as read, NaN and ±∞ included, and never drops or fills a row. Whoever builds
/// a window or reads a covariate from the rows checks exactly the rows it reads with
/// <see cref="SeriesTable.RequireFinite"/>, whose error names the column, the row and the fix. So
/// <see cref="SeriesForecaster"/>, whose every row may feed a window, checks every row; a backtest checks the rows of
/// each fold's window and inputs, and leaves NaN actuals to the metrics, which skip them.
/// </remarks>
internal static class SeriesReader
{
    /// <summary>Reads <paramref name="columnNames"/> of every row, and the series of <paramref name="keyColumnName"/> (null: one series).</summary>
    /// <param name="data">The data, each key's rows contiguous.</param>
    /// <param name="columnNames">Numeric scalar columns (Single, Double or an integer type).</param>
    /// <param name="keyColumnName">The series key column (text or an integer), or null.</param>
    /// <param name="parameterName">The caller's name for <paramref name="data"/>, for the exceptions.</param>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidOperationException">A key reappears after another key.</exception>
    public static SeriesTable Read(IDataView data, IReadOnlyList<string> columnNames, string? keyColumnName, string parameterName)
    {
        Guard.NotNull(data, parameterName);
        var columns = columnNames.Select(n => NumericColumn(data.Schema, n, parameterName)).ToArray();
        var keyColumn = keyColumnName is null ? (DataViewSchema.Column?)null : KeyColumn(data.Schema, keyColumnName, parameterName);
        var needed = keyColumn is { } k ? columns.Append(k) : columns;
        using var cursor = data.GetRowCursor(needed.Distinct());
        var readers = columns.Select(c => NumericColumnReader.Create(cursor, c, "SeriesReader")).ToArray();
        var key = keyColumn is { } kc ? SeriesKeyReader.Create(cursor, kc) : null;
        var rows = new List<float[]>();
        var spans = new List<SeriesSpan>();
        string? current = null;
        int first = 0;
        while (cursor.MoveNext())
        {
            if (key is not null)
            {
                if (key.Next(rows.Count))
                {
                    spans.Add(new SeriesSpan(current, first, rows.Count - first));
                    first = rows.Count;
                }
                current = key.Current;
            }
            var row = new float[columns.Length];
            for (int i = 0; i < columns.Length; i++)
                row[i] = readers[i]();
            rows.Add(row);
        }
        spans.Add(new SeriesSpan(current, first, rows.Count - first));
        return new SeriesTable(columnNames.ToArray(), rows.ToArray(), spans, keyColumn?.Type);
    }

    private static DataViewSchema.Column NumericColumn(DataViewSchema schema, string name, string parameterName)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"The data has no column '{name}', which the model needs. Columns: {string.Join(", ", schema.Select(c => c.Name))}.", parameterName);
        if (!NumericColumnReader.IsSupported(column.Type))
            throw new ArgumentException($"Column '{name}' has type {column.Type}; it must be a numeric scalar (Single, Double or an integer type).", parameterName);
        return column;
    }

    private static DataViewSchema.Column KeyColumn(DataViewSchema schema, string name, string parameterName)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException(
                $"The data has no series key column '{name}', which the model's SlidingWindow reads (SeriesColumnName). Columns: " +
                $"{string.Join(", ", schema.Select(c => c.Name))}.", parameterName);
        if (!SeriesKeyReader.IsSupported(column.Type))
            throw new ArgumentException(SeriesKeyReader.NotSupported(name, column.Type).Message, parameterName);
        return column;
    }
}
