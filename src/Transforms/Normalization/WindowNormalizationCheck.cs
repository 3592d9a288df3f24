using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm;

/// <summary>
/// Checks that a model trained on windows of one normalisation is scored on windows of the same one: the window column's
/// <see cref="WindowAnnotations.WindowNormalization"/> annotation (written by <c>NormalizeWindows</c>) against the mode
/// the model was trained with. A network trained on ZScore windows reads MinMax windows as numbers of another scale and
/// would score them silently wrong.
/// </summary>
internal static class WindowNormalizationCheck
{
    /// <summary>
    /// Throws when <paramref name="schema"/>'s column <paramref name="windowColumn"/> carries a normalisation annotation
    /// other than <paramref name="trainedMode"/> (null or "None": trained on raw windows). A column without the
    /// annotation (windows made elsewhere) is not checked.
    /// </summary>
    /// <exception cref="InvalidOperationException">The two normalisations differ; the message names both and the fix.</exception>
    public static void Require(DataViewSchema schema, string windowColumn, string? trainedMode, string component)
    {
        var column = schema.GetColumnOrNull(windowColumn);
        if (column is null || column.Value.Annotations.Schema.GetColumnOrNull(WindowAnnotations.WindowNormalization) is null)
            return;
        ReadOnlyMemory<char> text = default;
        column.Value.Annotations.GetValue(WindowAnnotations.WindowNormalization, ref text);
        string actual = text.ToString();
        string trained = trainedMode ?? nameof(WindowNormalization.None);
        if (actual != trained)
        {
            throw new InvalidOperationException(
                $"{component} was trained on windows normalised with {trained}, but its window column '{windowColumn}' is normalised with {actual} " +
                $"(annotation {WindowAnnotations.WindowNormalization}): the network would read the windows at another scale and forecast wrong values. " +
                $"Score it behind the NormalizeWindows step it was fitted with (mode {trained}), or fit the forecaster again behind this {actual} step.");
        }
    }
}
