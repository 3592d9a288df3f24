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
                result.Add(Split(current, rows, minimumRows, keyColumn?.Type));
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
        result.Add(Split(current, rows, minimumRows, keyColumn?.Type));
        return result;
    }

    private KeyedSeries Split(string key, List<float[]> rows, int minimumRows, DataViewType? keyType)
    {
        if (rows.Count < minimumRows)
        {
            throw new ArgumentException(
                $"Series '{key}' has {rows.Count} row(s); this needs at least {minimumRows} (window size {T}). Give it more rows or leave it out.", "data");
        }
        var values = rows.Select(r => r[..F]).ToArray();
        var known = rows.Select(r => r[F..]).ToArray();
        return new KeyedSeries(key, values, known, keyType);
    }

    private static DataViewSchema.Column NumericColumn(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"The data has no column '{name}', which the model needs. Columns: {string.Join(", ", schema.Select(c => c.Name))}.", "data");
        if (!NumericColumnReader.IsSupported(column.Type))
            throw new ArgumentException($"Column '{name}' has type {column.Type}; it must be a numeric scalar (Single, Double or an integer type).", "data");
        return column;
    }

    /// <summary>The series keys of a batch of windows (as text) and the type of the data's key column.</summary>
    private sealed record SeriesKeys(string[] Keys, DataViewType Type);

    /// <summary>
    /// The model input: the window column, the known-future covariates column (h·C values, dimensions [h, C]) when
    /// <paramref name="futures"/> is given, and the series key column (the data's name and type, which a
    /// series-level normalisation reads) when <paramref name="keys"/> is given.
    /// </summary>
    private IDataView ModelInput(float[][] windows, float[][]? futures, SeriesKeys? keys)
    {
        var definition = SchemaDefinition.Create(typeof(ModelRow));
        var windowColumn = definition[nameof(ModelRow.Window)];
        var futureColumn = definition[nameof(ModelRow.Future)];
        var keyColumn = definition[nameof(ModelRow.Key)];
        windowColumn.ColumnName = Windowing.WindowColumnName;
        windowColumn.ColumnType = new VectorDataViewType(NumberDataViewType.Single, T, F);
        if (futures is null)
            definition.Remove(futureColumn);
        else
        {
            futureColumn.ColumnName = Windowing.FutureColumnName!;
            futureColumn.ColumnType = new VectorDataViewType(NumberDataViewType.Single, H, Windowing.FutureCount);
        }
        if (keys is null)
            definition.Remove(keyColumn);
        else
            keyColumn.ColumnName = Windowing.SeriesColumnName!;
        var rows = windows.Select((w, i) => new ModelRow { Window = w, Future = futures?[i] ?? Array.Empty<float>(), Key = keys?.Keys[i] ?? "" });
        var input = _mlContext.Data.LoadFromEnumerable(rows, definition);
        if (keys is null || keys.Type is TextDataViewType)
            return input;
        // An integer key read as text goes back to the data's integer type.
        var kind = IntegerKinds.TryGetValue(keys.Type.RawType, out var k) ? k
            : throw new ArgumentException($"The series key column '{Windowing.SeriesColumnName}' has type {keys.Type}; the model input needs text or an integer key.", "data");
        return _mlContext.Transforms.Conversion.ConvertType(Windowing.SeriesColumnName!, outputKind: kind).Fit(input).Transform(input);
    }

    private static readonly Dictionary<Type, DataKind> IntegerKinds = new()
    {
        [typeof(sbyte)] = DataKind.SByte, [typeof(byte)] = DataKind.Byte, [typeof(short)] = DataKind.Int16, [typeof(ushort)] = DataKind.UInt16,
        [typeof(int)] = DataKind.Int32, [typeof(uint)] = DataKind.UInt32, [typeof(long)] = DataKind.Int64, [typeof(ulong)] = DataKind.UInt64,
    };

    private sealed class ModelRow
    {
        public float[] Window { get; set; } = Array.Empty<float>();

        public float[] Future { get; set; } = Array.Empty<float>();

        public string Key { get; set; } = "";
    }
}
