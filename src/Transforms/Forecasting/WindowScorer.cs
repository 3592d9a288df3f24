using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm;

/// <summary>
/// Scores batches of windows through a fitted forecasting model and its windowing: builds the model's input (the
/// window column, and the known-future covariates and series key columns when the batch has them), runs the model once
/// per batch and reads the score column (and any bound columns) back, h values per window. The one scoring path of
/// <see cref="SeriesForecaster"/> and <c>Backtest</c>.
/// </summary>
internal sealed class WindowScorer
{
    // Builds in-memory input views and key conversions only; no state of a caller's context is needed.
    private readonly MLContext _context = new();

    /// <summary>Creates a scorer for <paramref name="model"/>, which maps the windowing's window column to its score column.</summary>
    public WindowScorer(ITransformer model, SeriesWindowing windowing)
    {
        Model = model;
        Windowing = windowing;
    }

    /// <summary>The fitted model.</summary>
    public ITransformer Model { get; }

    /// <summary>The windowing the model was trained with.</summary>
    public SeriesWindowing Windowing { get; }

    /// <summary>Scores the windows; returns the score column's h values per window.</summary>
    /// <exception cref="InvalidOperationException">The model has no score column, or returns too few rows or values.</exception>
    public float[][] Score(WindowBatch batch)
    {
        var scored = Transform(batch);
        var score = scored.Schema.GetColumnOrNull(Windowing.ScoreColumnName)
            ?? throw new InvalidOperationException(
                $"The model has no score column '{Windowing.ScoreColumnName}'. Columns: {string.Join(", ", scored.Schema.Select(c => c.Name))}.");
        return Read(scored, new[] { score }, batch.Count)[0];
    }

    /// <summary>The model's output for the windows (lazy), for a caller that picks the columns to read from its schema.</summary>
    /// <exception cref="InvalidOperationException">The model reads known-future covariates and the batch has none.</exception>
    public IDataView Transform(WindowBatch batch) => Model.Transform(Input(batch));

    /// <summary>
    /// Reads Single or vector-of-Single columns of <paramref name="scored"/>: per column, one array per window, each
    /// checked to have one row per window and at least h values.
    /// </summary>
    /// <exception cref="ArgumentException">A column is neither Single nor a vector of Single.</exception>
    /// <exception cref="InvalidOperationException">A column has too few rows or values.</exception>
    public float[][][] Read(IDataView scored, IReadOnlyList<DataViewSchema.Column> columns, int windowCount)
    {
        var result = columns.Select(_ => new List<float[]>(windowCount)).ToArray();
        using (var cursor = scored.GetRowCursor(columns))
        {
            var getters = columns.Select(c => VectorGetter(cursor, c)).ToArray();
            while (cursor.MoveNext())
            {
                for (int c = 0; c < columns.Count; c++)
                    result[c].Add(getters[c]());
            }
        }
        for (int c = 0; c < columns.Count; c++)
        {
            var rows = result[c];
            if (rows.Count != windowCount || rows.Any(r => r.Length < Windowing.Horizon))
            {
                throw new InvalidOperationException(
                    $"The model returned {rows.Count} row(s) of {(rows.Count > 0 ? rows[0].Length : 0)} value(s) in column '{columns[c].Name}' " +
                    $"for {windowCount} window(s); expected {Windowing.Horizon} value(s) per window. Check that SeriesWindowing.Horizon matches the model.");
            }
        }
        return result.Select(r => r.ToArray()).ToArray();
    }

    private static Func<float[]> VectorGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            return () =>
            {
                getter(ref buffer);
                return buffer.DenseValues().ToArray();
            };
        }
        if (column.Type == NumberDataViewType.Single)
        {
            var scalar = cursor.GetGetter<float>(column);
            return () =>
            {
                float value = 0;
                scalar(ref value);
                return new[] { value };
            };
        }
        throw new ArgumentException($"The model's column '{column.Name}' has type {column.Type}; a forecast or bound column must be Single or a vector of Single.");
    }

    /// <summary>
    /// The model input: the window column (T·F values, dimensions [T, F]), the known-future covariates column (h·C
    /// values, dimensions [h, C]) when the batch has them, and the series key column (the data's name and type, which a
    /// series-level normalisation reads) when it has keys.
    /// </summary>
    private IDataView Input(WindowBatch batch)
    {
        var w = Windowing;
        if (w.FutureColumnName is not null && batch.Futures is null)
        {
            throw new InvalidOperationException(
                $"The model reads known-future covariates (column '{w.FutureColumnName}' from {string.Join(", ", w.FutureCovariateColumnNames ?? Array.Empty<string>())}), " +
                "which this method does not supply. Use the ...BySeries methods (e.g. ForecastBySeries), which fill it from the data and from the values you pass for the steps past its end.");
        }
        var definition = SchemaDefinition.Create(typeof(ModelRow));
        var windowColumn = definition[nameof(ModelRow.Window)];
        var futureColumn = definition[nameof(ModelRow.Future)];
        var keyColumn = definition[nameof(ModelRow.Key)];
        windowColumn.ColumnName = w.WindowColumnName;
        windowColumn.ColumnType = new VectorDataViewType(NumberDataViewType.Single, w.WindowSize, w.FeatureCount);
        if (batch.Futures is null)
            definition.Remove(futureColumn);
        else
        {
            futureColumn.ColumnName = w.FutureColumnName!;
            futureColumn.ColumnType = new VectorDataViewType(NumberDataViewType.Single, w.Horizon, w.FutureCount);
        }
        var keys = batch.KeyType is null ? null : batch.Keys;
        if (keys is null)
            definition.Remove(keyColumn);
        else
            keyColumn.ColumnName = w.SeriesColumnName!;
        var rows = batch.Windows.Select((x, i) => new ModelRow { Window = x, Future = batch.Futures?[i] ?? Array.Empty<float>(), Key = keys?[i] ?? "" });
        var input = _context.Data.LoadFromEnumerable(rows, definition);
        if (keys is null || batch.KeyType is TextDataViewType)
            return input;
        // An integer key read as text goes back to the data's integer type.
        var kind = IntegerKinds.TryGetValue(batch.KeyType!.RawType, out var k) ? k
            : throw new ArgumentException($"The series key column '{w.SeriesColumnName}' has type {batch.KeyType}; the model input needs text or an integer key.", "data");
        return _context.Transforms.Conversion.ConvertType(w.SeriesColumnName!, outputKind: kind).Fit(input).Transform(input);
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
