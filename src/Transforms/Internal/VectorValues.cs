using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>
/// Copies between <see cref="VBuffer{T}"/> values and flat float buffers. A vector read from a column is checked
/// against the column's declared size: ML.NET hands a <c>float[]</c> of a <c>[VectorType(n)]</c> field over as it
/// is, whatever its length, so an unchecked copy would reuse the previous row's values or overrun.
/// </summary>
internal static class VectorValues
{
    /// <summary>
    /// Copies <paramref name="source"/> (dense or sparse) into <paramref name="destination"/>, whose length is the
    /// column's declared size; a value of any other length is an error naming the component, the column, the row,
    /// the expected and the actual size.
    /// </summary>
    public static void CopyExact(in VBuffer<float> source, Span<float> destination, string component, string columnName, long row)
    {
        if (source.Length != destination.Length)
            throw WrongLength(component, columnName, row, destination.Length, source.Length);
        source.CopyTo(destination);
    }

    /// <summary>The error for a vector of <paramref name="actual"/> values in a column of <paramref name="expected"/>.</summary>
    public static InvalidOperationException WrongLength(string component, string columnName, long row, int expected, int actual) => new(
        $"{component}: column '{columnName}' has {actual} values at row {row} (0-based), but it is a Vector<Single> of {expected}. " +
        $"Give every row exactly {expected} values (a window holds T x F: the window size times the columns the model was fitted on); " +
        $"a float[] of another length in a [VectorType({expected})] field is not padded or cut.");

    /// <summary>Writes <paramref name="values"/> into <paramref name="destination"/> as a dense vector of their length.</summary>
    public static void Write(ReadOnlySpan<float> values, ref VBuffer<float> destination)
    {
        var editor = VBufferEditor.Create(ref destination, values.Length);
        values.CopyTo(editor.Values);
        destination = editor.Commit();
    }
}
