using System.Globalization;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace StockForecast;

/// <summary>
/// Loads a CSV series whose header names its columns. The file is read with ML.NET's <see cref="TextLoader"/>
/// (RFC 4180 quoting: <c>"a,b"</c> is one field), every field as text; the header is validated (no duplicate names,
/// every requested column present) and every cell of the requested columns must be a finite number written with
/// '.' as the decimal point and no thousands separator (a quoted <c>"1,627.21"</c> is refused, not guessed).
/// Requested columns become <c>Single</c> columns of the returned data view; the others stay text.
/// </summary>
internal static class SeriesCsv
{
    public static IDataView Load(MLContext ml, string path, string[] requiredColumns)
    {
        if (!File.Exists(path))
            throw new SampleDataException($"The data file '{path}' does not exist. Pass --data with a CSV file.");
        var lines = ReadFields(ml, path);
        if (lines.Count == 0)
            throw new SampleDataException($"'{path}' is empty; it needs a header row and data rows.");
        var names = lines[0].Select(n => n.Trim()).ToArray();
        CheckHeader(path, names, requiredColumns);
        if (lines.Count == 1)
            throw new SampleDataException($"'{path}' has a header but no data rows.");
        var frame = new DataFrame();
        for (int c = 0; c < names.Length; c++)
        {
            if (requiredColumns.Contains(names[c]))
                frame.Columns.Add(new SingleDataFrameColumn(names[c], NumericColumn(path, lines, names[c], c)));
            else
                frame.Columns.Add(new StringDataFrameColumn(names[c], lines.Skip(1).Select(r => c < r.Length ? r[c] : "")));
        }
        return frame;
    }

    /// <summary>Every line of the file (header first) as its fields, read by TextLoader with quoting.</summary>
    private static List<string[]> ReadFields(MLContext ml, string path)
    {
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Separators = new[] { ',' },
            HasHeader = false,
            AllowQuoting = true,
            TrimWhitespace = false,
            Columns = new[]
            {
                new TextLoader.Column("Fields", DataKind.String, new[] { new TextLoader.Range(0, null) { AutoEnd = false, VariableEnd = true } }),
            },
        });
        var data = loader.Load(path);
        var rows = new List<string[]>();
        using var cursor = data.GetRowCursor(data.Schema);
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(data.Schema["Fields"]);
        VBuffer<ReadOnlyMemory<char>> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            rows.Add(buffer.DenseValues().Select(v => v.ToString()).ToArray());
        }
        return rows;
    }

    private static void CheckHeader(string path, string[] names, string[] requiredColumns)
    {
        var duplicate = names.Select((n, i) => (n, i)).GroupBy(p => p.n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new SampleDataException(
                $"'{path}': the header names column '{duplicate.Key}' more than once (columns " +
                $"{string.Join(" and ", duplicate.Select(p => p.i + 1))}); give every column a distinct name.");
        }
        var missing = requiredColumns.Where(r => !names.Contains(r)).ToArray();
        if (missing.Length > 0)
        {
            throw new SampleDataException(
                $"'{path}' has no column {string.Join(", ", missing.Select(m => $"'{m}'"))}. Its columns: {string.Join(", ", names)}. " +
                "Pass --columns and --target with these names.");
        }
    }

    /// <summary>The cells of column <paramref name="c"/> as finite numbers; names the row, column and value of the first bad one.</summary>
    private static float[] NumericColumn(string path, List<string[]> lines, string name, int c)
    {
        var values = new float[lines.Count - 1];
        for (int r = 1; r < lines.Count; r++)
        {
            if (c >= lines[r].Length)
            {
                throw new SampleDataException(
                    $"'{path}': data row {r} has {lines[r].Length} field(s) but the header has {lines[0].Length}, so it has no value for column '{name}'.");
            }
            string cell = lines[r][c].Trim();
            if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
            {
                throw new SampleDataException(
                    $"'{path}': data row {r}, column '{name}': '{cell}' is not a finite number. Write numbers with '.' as the " +
                    "decimal point and no thousands separator (e.g. 1627.21), and fill or drop empty and missing values.");
            }
            values[r - 1] = v;
        }
        return values;
    }

    /// <summary>
    /// Checks that the series is long enough for the sample's split: at least 10 training windows (so the trainer's
    /// validation split has one) and one test label.
    /// </summary>
    public static void CheckLength(string path, long rows, int window, int horizon, double trainFraction)
    {
        static bool Enough(long n, int window, int horizon, double fraction)
        {
            long train = (long)(n * fraction);
            return train - window - horizon + 1 >= 10 && n - train >= horizon;
        }
        if (Enough(rows, window, horizon, trainFraction))
            return;
        long needed = rows + 1;
        while (!Enough(needed, window, horizon, trainFraction))
            needed++;
        throw new SampleDataException(
            $"'{path}' has {rows} data row(s); with --window {window} and --horizon {horizon} the sample needs at least {needed} " +
            "(10 training windows and a test period). Use a longer series or a smaller --window.");
    }

    /// <summary>The last <paramref name="window"/> rows of the columns, time-major (the next-day forecast's input).</summary>
    public static float[] LastWindow(MLContext ml, IDataView series, string[] columns, int window)
    {
        var rows = new Queue<float[]>();
        var cols = columns.Select(c => series.Schema[c]).ToArray();
        using var cursor = series.GetRowCursor(cols);
        var getters = cols.Select(c => cursor.GetGetter<float>(c)).ToArray();
        while (cursor.MoveNext())
        {
            var row = new float[cols.Length];
            for (int f = 0; f < cols.Length; f++)
                getters[f](ref row[f]);
            rows.Enqueue(row);
            if (rows.Count > window)
                rows.Dequeue();
        }
        return rows.SelectMany(r => r).ToArray();
    }
}

/// <summary>Bad input data: the message names the file, the row or column and the value, and the fix.</summary>
internal sealed class SampleDataException(string message) : Exception(message);
