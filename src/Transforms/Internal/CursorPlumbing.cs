using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>The bookkeeping every row and cursor of the project's data views shares.</summary>
internal static class CursorPlumbing
{
    /// <summary>One flag per column of a schema of <paramref name="count"/> columns: whether it was requested.</summary>
    public static bool[] ActiveFlags(int count, IEnumerable<DataViewSchema.Column> columns)
    {
        var active = new bool[count];
        foreach (var column in columns)
            active[column.Index] = true;
        return active;
    }

    /// <summary>The getter typed as the caller asked, or an error naming the column and both types.</summary>
    public static ValueGetter<TValue> Typed<TValue>(Delegate getter, DataViewSchema.Column column, string component)
        => getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"{component}: column '{column.Name}' has type {column.Type}, not {typeof(TValue)}.");

    /// <summary>The error for a column read that was not requested when the cursor or row was made.</summary>
    public static InvalidOperationException NotRequested(DataViewSchema.Column column, string component)
        => new($"{component}: column '{column.Name}' was not requested when the cursor or row was created; request it in the active columns.");

    /// <summary>The error for a read while a cursor is not on a row.</summary>
    public static InvalidOperationException NotOnRow(string component)
        => new($"{component}: the cursor is not on a row: call MoveNext first, and stop once it returns false.");
}
