using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace StockForecast;

/// <summary>Loads a CSV series whose header names its columns: numeric columns as Single, the others as text.</summary>
internal static class SeriesCsv
{
    public static IDataView Load(MLContext ml, string path, string[] requiredColumns)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The data file '{path}' does not exist. Pass --data with a CSV file.", path);
        using var reader = new StreamReader(path);
        string header = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty; it needs a header row and data rows.");
        string firstRow = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' has a header but no data rows.");
        var names = header.Split(',').Select(n => n.Trim()).ToArray();
        var values = firstRow.Split(',');
        foreach (var required in requiredColumns)
        {
            if (!names.Contains(required))
                throw new InvalidDataException($"'{path}' has no column '{required}'. Its columns: {string.Join(", ", names)}. Pass --columns and --target with these names.");
        }
        var columns = names.Select((name, i) =>
        {
            bool numeric = i < values.Length && float.TryParse(values[i], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            return new TextLoader.Column(name, numeric ? DataKind.Single : DataKind.String, i);
        }).ToArray();
        return ml.Data.LoadFromTextFile(path, columns, separatorChar: ',', hasHeader: true);
    }

    public static long CountRows(IDataView data)
    {
        long n = 0;
        using var cursor = data.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        while (cursor.MoveNext())
            n++;
        return n;
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
