using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm;

/// <summary>
/// Reads the series key column of a <see cref="SlidingWindowTransformer"/> row by row and tells when a new series
/// starts. Keys are compared as text (an integer key by its invariant decimal form); the rows of a key must be
/// contiguous, so a key that reappears after another key is an error naming the key and the row.
/// </summary>
internal sealed class SeriesKeyReader
{
    private readonly Func<string> _read;
    private readonly string _column;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private string? _current;

    private SeriesKeyReader(Func<string> read, string column)
    {
        _read = read;
        _column = column;
    }

    /// <summary>Whether <paramref name="type"/> can be a series key: text, or an integer (or key) scalar.</summary>
    public static bool IsSupported(DataViewType type) => type is TextDataViewType or KeyDataViewType
        || (type is NumberDataViewType && type.RawType != typeof(float) && type.RawType != typeof(double));

    public static SeriesKeyReader Create(DataViewRow row, DataViewSchema.Column column)
        => new(MakeReader(row, column), column.Name);

    internal static Func<string> MakeReader(DataViewRow row, DataViewSchema.Column column)
    {
        var inv = CultureInfo.InvariantCulture;
        return column.Type.RawType switch
        {
            Type t when t == typeof(ReadOnlyMemory<char>) => Text(row.GetGetter<ReadOnlyMemory<char>>(column)),
            Type t when t == typeof(int) => Number<int>(row, column, v => v.ToString(inv)),
            Type t when t == typeof(long) => Number<long>(row, column, v => v.ToString(inv)),
            Type t when t == typeof(uint) => Number<uint>(row, column, v => v.ToString(inv)),
            Type t when t == typeof(ulong) => Number<ulong>(row, column, v => v.ToString(inv)),
            Type t when t == typeof(short) => Number<short>(row, column, v => v.ToString(inv)),
            Type t when t == typeof(ushort) => Number<ushort>(row, column, v => v.ToString(inv)),
            Type t when t == typeof(byte) => Number<byte>(row, column, v => v.ToString(inv)),
            Type t when t == typeof(sbyte) => Number<sbyte>(row, column, v => v.ToString(inv)),
            _ => throw NotSupported(column.Name, column.Type),
        };
    }

    private static Func<string> Text(ValueGetter<ReadOnlyMemory<char>> getter)
    {
        ReadOnlyMemory<char> value = default;
        string last = "";
        return () =>
        {
            getter(ref value);
            if (!value.Span.SequenceEqual(last.AsSpan()))
                last = value.ToString();
            return last;
        };
    }

    private static Func<string> Number<T>(DataViewRow row, DataViewSchema.Column column, Func<T, string> format)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return format(value);
        };
    }

    internal static ArgumentOutOfRangeException NotSupported(string column, DataViewType type) => new("input",
        $"SlidingWindow: the series key column '{column}' has type {type}, but a series key must be text or an integer. " +
        "Convert it (mlContext.Transforms.Conversion.ConvertType) or choose another SeriesColumnName.");

    /// <summary>The key of the series being read (null before the first row).</summary>
    public string? Current => _current;

    /// <summary>
    /// Reads the current row's key: <see langword="false"/> when it continues the current series (or is the first row),
    /// <see langword="true"/> when it starts a new one (then <see cref="Current"/> is the new key).
    /// </summary>
    /// <param name="row">The row's 0-based index in the input, for the error message.</param>
    /// <exception cref="InvalidOperationException">The key was already seen before another key.</exception>
    public bool Next(long row)
    {
        string key = _read();
        if (_current is not null && string.Equals(key, _current, StringComparison.Ordinal))
            return false;
        if (!_seen.Add(key))
        {
            throw new InvalidOperationException(
                $"SlidingWindow: series key '{key}' of column '{_column}' reappears at row {row} (0-based) after the rows of key '{_current}'. " +
                "The rows of each series must be contiguous and in time order: sort the data by key, then by time.");
        }
        bool started = _current is not null;
        _current = key;
        return started;
    }
}
