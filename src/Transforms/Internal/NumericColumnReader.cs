using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>
/// Reads a numeric scalar column (Single, Double or an integer type) of a row as Single or Double: the one reader of
/// series columns (SlidingWindow's cursor, SeriesForecaster's series, the evaluator's persistence column).
/// </summary>
internal static class NumericColumnReader
{
    /// <summary>Whether <paramref name="type"/> is a numeric scalar this reader converts.</summary>
    public static bool IsSupported(DataViewType type) => type is NumberDataViewType;

    /// <summary>A function that reads the row's current value of <paramref name="column"/> as Single.</summary>
    /// <remarks>Through <see cref="CreateDouble"/> except for Single columns: exact for every type but a 64-bit integer
    /// above 2^53, which may round differently in its last bit.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The column is not a numeric scalar; the message names it and the fix.</exception>
    public static Func<float> Create(DataViewRow row, DataViewSchema.Column column, string component)
    {
        if (column.Type.RawType == typeof(float))
        {
            var getter = row.GetGetter<float>(column);
            float value = 0;
            return () =>
            {
                getter(ref value);
                return value;
            };
        }
        var read = CreateDouble(row, column, component);
        return () => (float)read();
    }

    /// <summary>A function that reads the row's current value of <paramref name="column"/> as Double.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is not a numeric scalar; the message names it and the fix.</exception>
    public static Func<double> CreateDouble(DataViewRow row, DataViewSchema.Column column, string component)
    {
        var type = column.Type.RawType;
        if (type == typeof(float)) return Read<float>(row, column, v => v);
        if (type == typeof(double)) return Read<double>(row, column, v => v);
        if (type == typeof(int)) return Read<int>(row, column, v => v);
        if (type == typeof(long)) return Read<long>(row, column, v => v);
        if (type == typeof(short)) return Read<short>(row, column, v => v);
        if (type == typeof(sbyte)) return Read<sbyte>(row, column, v => v);
        if (type == typeof(uint)) return Read<uint>(row, column, v => v);
        if (type == typeof(ulong)) return Read<ulong>(row, column, v => v);
        if (type == typeof(ushort)) return Read<ushort>(row, column, v => v);
        if (type == typeof(byte)) return Read<byte>(row, column, v => v);
        throw NotNumeric(column, component);
    }

    /// <summary>The error for a column that is not a numeric scalar.</summary>
    public static ArgumentOutOfRangeException NotNumeric(DataViewSchema.Column column, string component) => new(nameof(column),
        $"{component}: column '{column.Name}' has type {column.Type}, but series columns must be numeric scalars (Single, Double or an integer type). " +
        "Convert it (mlContext.Transforms.Conversion.ConvertType) or leave it out.");

    private static Func<double> Read<T>(DataViewRow row, DataViewSchema.Column column, Func<T, double> toDouble)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return toDouble(value);
        };
    }
}
