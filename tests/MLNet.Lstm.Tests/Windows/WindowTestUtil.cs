using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Windows;

/// <summary>A lazily generated series: column <c>X{f}</c> at row i is <c>value(i, f)</c>; nothing is stored.</summary>
internal sealed class GeneratorDataView : IDataView
{
    private readonly long _rows;
    private readonly int _columns;
    private readonly Func<long, int, float> _value;

    public GeneratorDataView(long rows, int columns, Func<long, int, float> value)
    {
        _rows = rows;
        _columns = columns;
        _value = value;
        var builder = new DataViewSchema.Builder();
        for (int f = 0; f < columns; f++)
            builder.AddColumn($"X{f}", NumberDataViewType.Single);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => new[] { GetRowCursor(columnsNeeded) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly GeneratorDataView _parent;
        private long _position = -1;

        public Cursor(GeneratorDataView parent) => _parent = parent;

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext() => ++_position < _parent._rows;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int f = column.Index;
            ValueGetter<float> getter = (ref float value) => value = _parent._value(_position, f);
            return (ValueGetter<TValue>)(Delegate)getter;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;
    }
}

internal static class WindowTestUtil
{
    public static List<float[]> Vectors(IDataView view, string name)
    {
        var column = view.Schema[name];
        var result = new List<float[]>();
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            result.Add(buffer.DenseValues().ToArray());
        }
        return result;
    }

    public static List<T> Scalars<T>(IDataView view, string name)
    {
        var column = view.Schema[name];
        var result = new List<T>();
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value);
        }
        return result;
    }

    /// <summary>Equal to <paramref name="tolerance"/> relative (absolute below magnitude 1); NaN matches NaN.</summary>
    public static void Close(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i]))
                Assert.True(float.IsNaN(actual[i]), $"index {i}: expected NaN, got {actual[i]}");
            else
                Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1.0, Math.Abs(expected[i])), $"index {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    /// <summary>The SchemaShape of a view, by the public route: an estimator chain propagates it to its estimators.</summary>
    public static SchemaShape ShapeOf(IDataView view)
    {
        var recorder = new ShapeRecorder();
        Assert.Throws<ShapeRecorded>(() => new EstimatorChain<ITransformer>().Append(recorder).Fit(view));
        return recorder.Shape!;
    }

    private sealed class ShapeRecorded : Exception
    {
    }

    private sealed class ShapeRecorder : IEstimator<ITransformer>
    {
        public SchemaShape? Shape { get; private set; }

        public ITransformer Fit(IDataView input) => throw new ShapeRecorded();

        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            Shape ??= inputSchema;
            return inputSchema;
        }
    }

    public static string DataPath => Path.Combine(AppContext.BaseDirectory, "data", "eustockmarkets.csv");

    public static IDataView LoadEuStock(MLContext ml) => ml.Data.LoadFromTextFile(DataPath, new[]
    {
        new TextLoader.Column("Day", DataKind.Int32, 0),
        new TextLoader.Column("DAX", DataKind.Single, 1),
        new TextLoader.Column("SMI", DataKind.Single, 2),
        new TextLoader.Column("CAC", DataKind.Single, 3),
        new TextLoader.Column("FTSE", DataKind.Single, 4),
    }, separatorChar: ',', hasHeader: true);

    public static readonly string[] EuStockColumns = { "DAX", "SMI", "CAC", "FTSE" };
}
