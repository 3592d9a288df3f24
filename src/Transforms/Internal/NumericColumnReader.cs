using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>
/// Reads a numeric scalar column (Single, Double or an integer type) of a row as Single: the one reader of series
/// columns (SlidingWindow's cursor, SeriesForecaster's series).
/// </summary>
internal static class NumericColumnReader
{
    /// <summary>Whether <paramref name="type"/> is a numeric scalar this reader converts.</summary>
    public static bool IsSupported(DataViewType type) => type is NumberDataViewType;

    /// <summary>A function that reads the row's current value of <paramref name="column"/> as Single.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is not a numeric scalar; the message names it and the fix.</exception>
    public static Func<float> Create(DataViewRow row, DataViewSchema.Column column, string component)
    {
        var type = column.Type.RawType;
        if (type == typeof(float)) return Read<float>(row, column, v => v);
        if (type == typeof(double)) return Read<double>(row, column, v => (float)v);
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

    private static Func<float> Read<T>(DataViewRow row, DataViewSchema.Column column, Func<T, float> toSingle)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return toSingle(value);
        };
    }
}
