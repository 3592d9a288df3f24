using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

// Reading several keyed series, and the model input with the known-future covariates column.
public sealed partial class SeriesForecaster
{
    /// <summary>
    /// Reads every series of <paramref name="data"/> (one series with key <c>""</c> when the model has no series key):
    /// the F feature columns and the C known-future covariates, as Single. A key with fewer than
    /// <paramref name="minimumRows"/> rows, a key that reappears, or a non-finite value is an error naming it.
    /// </summary>
    private List<KeyedSeries> ReadKeyedSeries(IDataView data, int minimumRows)
    {
        Guard.NotNull(data);
        var names = Windowing.FeatureColumnNames.Concat(Windowing.FutureCovariateColumnNames ?? Array.Empty<string>()).ToArray();
        var columns = names.Select(n => NumericColumn(data.Schema, n)).ToList();
        DataViewSchema.Column? keyColumn = null;
        if (Windowing.SeriesColumnName is { } keyName)
        {
            keyColumn = data.Schema.GetColumnOrNull(keyName)
                ?? throw new ArgumentException($"The data has no series key column '{keyName}', which the model's SlidingWindow reads. Columns: {string.Join(", ", data.Schema.Select(c => c.Name))}.", nameof(data));
            if (!SeriesKeyReader.IsSupported(keyColumn.Value.Type))
                throw new ArgumentException(SeriesKeyReader.NotSupported(keyName, keyColumn.Value.Type).Message, nameof(data));
        }
        var result = new List<KeyedSeries>();
        using var cursor = data.GetRowCursor(columns.Concat(keyColumn is null ? Array.Empty<DataViewSchema.Column>() : new[] { keyColumn.Value }).Distinct());
        var readers = columns.Select(c => NumericColumnReader.Create(cursor, c, "SeriesForecaster")).ToArray();
        var key = keyColumn is null ? null : SeriesKeyReader.Create(cursor, keyColumn.Value);
        var rows = new List<float[]>();
        string current = "";
        long row = -1;
        while (cursor.MoveNext())
        {
            row++;
            if (key is not null && key.Next(row))
            {
                result.Add(Split(current, rows, minimumRows));
                rows.Clear();
            }
            current = key?.Current ?? "";
            var values = new float[names.Length];
            for (int i = 0; i < names.Length; i++)
            {
                values[i] = readers[i]();
                if (!float.IsFinite(values[i]))
                    throw new InvalidOperationException($"Column '{names[i]}' is {values[i]} at row {row}{(key is null ? "" : $" (series '{current}')")}. Fill or drop missing values before forecasting.");
            }
            rows.Add(values);
        }
        result.Add(Split(current, rows, minimumRows));
        return result;
    }

    private KeyedSeries Split(string key, List<float[]> rows, int minimumRows)
    {
        if (rows.Count < minimumRows)
        {
            throw new ArgumentException(
                $"Series '{key}' has {rows.Count} row(s); this needs at least {minimumRows} (window size {T}). Give it more rows or leave it out.", "data");
        }
        var values = rows.Select(r => r[..F]).ToArray();
        var known = rows.Select(r => r[F..]).ToArray();
        return new KeyedSeries(key, values, known);
    }

    private static DataViewSchema.Column NumericColumn(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"The data has no column '{name}', which the model needs. Columns: {string.Join(", ", schema.Select(c => c.Name))}.", "data");
        if (!NumericColumnReader.IsSupported(column.Type))
            throw new ArgumentException($"Column '{name}' has type {column.Type}; it must be a numeric scalar (Single, Double or an integer type).", "data");
        return column;
    }

    /// <summary>The model input: the window column and the known-future covariates column (h·C values, dimensions [h, C]).</summary>
    private IDataView WindowAndFutureInput(float[][] windows, float[][] futures)
    {
        var definition = SchemaDefinition.Create(typeof(WindowFutureRow));
        var windowColumn = definition[nameof(WindowFutureRow.Window)];
        var futureColumn = definition[nameof(WindowFutureRow.Future)];
        windowColumn.ColumnName = Windowing.WindowColumnName;
        windowColumn.ColumnType = new VectorDataViewType(NumberDataViewType.Single, T, F);
        futureColumn.ColumnName = Windowing.FutureColumnName!;
        futureColumn.ColumnType = new VectorDataViewType(NumberDataViewType.Single, H, Windowing.FutureCount);
        return _mlContext.Data.LoadFromEnumerable(windows.Select((w, i) => new WindowFutureRow { Window = w, Future = futures[i] }), definition);
    }

    private sealed class WindowFutureRow
    {
        public float[] Window { get; set; } = Array.Empty<float>();

        public float[] Future { get; set; } = Array.Empty<float>();
    }
}
