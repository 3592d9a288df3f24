using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// Reads a series' time column, per series key when the model has one (keys as text, as
/// <see cref="SeriesKeyReader"/> reads them, in the order of the data).
/// </summary>
internal static class SeriesTimestamps
{
    /// <summary>
    /// The timestamps of every series of <paramref name="data"/>, in the order of the data (one entry with key
    /// <c>""</c> when <paramref name="keyColumnName"/> is null).
    /// </summary>
    /// <exception cref="ArgumentException">The time column is missing or not <c>DateTime</c>, or the key column is missing.</exception>
    public static IReadOnlyList<KeyValuePair<string, DateTime[]>> Read(IDataView data, string timeColumnName, string? keyColumnName)
    {
        var time = data.Schema.GetColumnOrNull(timeColumnName)
            ?? throw new ArgumentException(
                $"The series has no time column '{timeColumnName}'. Columns: {string.Join(", ", data.Schema.Select(c => c.Name))}. " +
                "Pass the name of its DateTime column, or null to number the forecast steps.", nameof(timeColumnName));
        if (time.Type is not DateTimeDataViewType)
        {
            throw new ArgumentException(
                $"The time column '{timeColumnName}' has type {time.Type}; it must be DateTime. Load it as dates (DataFrame.LoadCsv " +
                "parses ISO dates into a DateTime column; a TextLoader column takes DataKind.DateTime), or pass null to number the forecast steps.",
                nameof(timeColumnName));
        }
        DataViewSchema.Column? key = keyColumnName is null ? null
            : data.Schema.GetColumnOrNull(keyColumnName)
              ?? throw new ArgumentException($"The series has no series key column '{keyColumnName}', which the model reads.", nameof(data));
        var columns = key is null ? new[] { time } : new[] { time, key.Value };
        var result = new List<KeyValuePair<string, DateTime[]>>();
        using var cursor = data.GetRowCursor(columns.Distinct());
        var getter = cursor.GetGetter<DateTime>(time);
        var keys = key is null ? null : SeriesKeyReader.Create(cursor, key.Value);
        var current = new List<DateTime>();
        string currentKey = "";
        long row = -1;
        DateTime value = default;
        while (cursor.MoveNext())
        {
            row++;
            if (keys is not null && keys.Next(row))
            {
                result.Add(new(currentKey, current.ToArray()));
                current.Clear();
            }
            currentKey = keys?.Current ?? "";
            getter(ref value);
            current.Add(value);
        }
        result.Add(new(currentKey, current.ToArray()));
        return result;
    }
}
