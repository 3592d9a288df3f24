using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm;

/// <summary>
/// Names of the annotations that <see cref="SlidingWindowTransformer"/> and <see cref="NormalizeWindowsTransformer"/>
/// put on the window column (see docs/design.md), and helpers to read them back.
/// </summary>
public static class WindowAnnotations
{
    /// <summary><c>Vector&lt;Text&gt;</c> of F values: the names of the input columns of the window, in feature order.</summary>
    public const string WindowFeatureNames = "WindowFeatureNames";

    /// <summary><c>Int32</c>: index of the target (label) column among the F features.</summary>
    public const string WindowTargetIndex = "WindowTargetIndex";

    /// <summary><c>Int32</c>: the number of time steps T of a window.</summary>
    public const string WindowSize = "WindowSize";

    /// <summary><c>Text</c>: the <see cref="MLNet.Lstm.WindowNormalization"/> mode name, on a normalised window column.</summary>
    public const string WindowNormalization = "WindowNormalization";

    /// <summary><c>Text</c>: the name of the column holding the per-window shifts (F values), on a normalised window column.</summary>
    public const string WindowShiftColumn = "WindowShiftColumn";

    /// <summary><c>Text</c>: the name of the column holding the per-window scales (F values), on a normalised window column.</summary>
    public const string WindowScaleColumn = "WindowScaleColumn";

    /// <summary>
    /// <c>Int32</c>: the number of rows between the starts of consecutive windows of a series (<c>SlidingWindow</c>'s
    /// <c>Stride</c>), on a <c>SlidingWindow</c> window column; series-level normalisation uses it to count each series
    /// value once.
    /// </summary>
    public const string WindowStride = "WindowStride";

    /// <summary><c>Text</c>: the name of the series key column, on the window column of a multi-series <c>SlidingWindow</c>.</summary>
    public const string WindowSeriesColumn = "WindowSeriesColumn";

    /// <summary>
    /// <c>Text</c>: the name of the known-future covariates column (<c>Vector&lt;Single&gt;</c> of h·C, dimensions
    /// <c>[h, C]</c>), on the window column when <c>SlidingWindow</c> has future covariates (and on the normalised
    /// window column after it).
    /// </summary>
    public const string WindowFutureColumn = "WindowFutureColumn";

    /// <summary>The Text annotation <paramref name="name"/> of <paramref name="column"/>, or <see langword="null"/>.</summary>
    /// <param name="column">A column, normally the window column.</param>
    /// <param name="name">The annotation, e.g. <see cref="WindowFutureColumn"/> or <see cref="WindowSeriesColumn"/>.</param>
    /// <returns>The annotation's text, or <see langword="null"/> when the column does not have it.</returns>
    public static string? GetText(DataViewSchema.Column column, string name)
        => TryGetAnnotation(column.Annotations, name, out ReadOnlyMemory<char> value) && value.Length > 0 ? value.ToString() : null;

    /// <summary>
    /// Reads the shape and the annotations of a window column. T and F come from the column's dimensions
    /// <c>[T, F]</c> when it has them, else from the <see cref="WindowSize"/> and <see cref="WindowFeatureNames"/>
    /// annotations.
    /// </summary>
    /// <param name="column">A column of a schema, normally the window column.</param>
    /// <param name="info">The window's description when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when the column is a <c>Vector&lt;Single&gt;</c> of known size whose T and F
    /// could be determined.</returns>
    public static bool TryGetWindowInfo(DataViewSchema.Column column, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WindowInfo? info)
    {
        info = null;
        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || vector.Size == 0)
            return false;
        int size = vector.Size;
        var annotations = column.Annotations;

        string[]? names = null;
        if (TryGetAnnotation(annotations, WindowFeatureNames, out VBuffer<ReadOnlyMemory<char>> namesBuffer))
        {
            names = new string[namesBuffer.Length];
            int i = 0;
            foreach (var n in namesBuffer.DenseValues())
                names[i++] = n.ToString();
        }
        int? windowSize = TryGetAnnotation(annotations, WindowSize, out int t) ? t : null;

        int T, F;
        if (vector.Dimensions.Length == 2 && vector.Dimensions[0] > 0 && vector.Dimensions[1] > 0)
        {
            T = vector.Dimensions[0];
            F = vector.Dimensions[1];
        }
        else if (windowSize is > 0 && size % windowSize.Value == 0)
        {
            T = windowSize.Value;
            F = size / T;
        }
        else if (names is { Length: > 0 } && size % names.Length == 0)
        {
            F = names.Length;
            T = size / F;
        }
        else
        {
            return false;
        }

        if (names is null || names.Length != F)
            names = Enumerable.Range(0, F).Select(f => $"f{f}").ToArray();
        int target = TryGetAnnotation(annotations, WindowTargetIndex, out int ti) ? ti : 0;
        WindowNormalization? mode = null;
        if (TryGetAnnotation(annotations, WindowNormalization, out ReadOnlyMemory<char> modeText)
            && Enum.TryParse(modeText.ToString(), out WindowNormalization parsed))
            mode = parsed;
        string? shift = TryGetAnnotation(annotations, WindowShiftColumn, out ReadOnlyMemory<char> s) ? s.ToString() : null;
        string? scale = TryGetAnnotation(annotations, WindowScaleColumn, out ReadOnlyMemory<char> c) ? c.ToString() : null;
        info = new WindowInfo(T, F, names, target, mode, shift, scale);
        return true;
    }

    /// <summary>The Int32 annotation <paramref name="name"/> of <paramref name="column"/>, or null.</summary>
    internal static int? GetInt32(DataViewSchema.Column column, string name) =>
        TryGetAnnotation(column.Annotations, name, out int value) ? value : null;

    private static bool TryGetAnnotation<T>(DataViewSchema.Annotations annotations, string name, out T value)
    {
        value = default!;
        var column = annotations.Schema.GetColumnOrNull(name);
        if (column is null || column.Value.Type.RawType != typeof(T))
            return false;
        annotations.GetValue(name, ref value);
        return true;
    }

    internal static DataViewSchema.Annotations Build(string[] featureNames, int targetIndex, int windowSize,
        string? seriesColumn = null, string? futureColumn = null, int? stride = null)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        AddWindowAnnotations(builder, featureNames, targetIndex, windowSize);
        if (stride is { } s)
            builder.Add(WindowStride, NumberDataViewType.Int32, (ref int value) => value = s);
        AddText(builder, WindowSeriesColumn, seriesColumn);
        AddText(builder, WindowFutureColumn, futureColumn);
        return builder.ToAnnotations();
    }

    /// <summary>Adds the Text annotation <paramref name="name"/> = <paramref name="value"/> unless the value is null.</summary>
    internal static void AddText(DataViewSchema.Annotations.Builder builder, string name, string? value)
    {
        if (value is null)
            return;
        var text = value.AsMemory();
        builder.Add(name, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = text);
    }

    internal static void AddWindowAnnotations(DataViewSchema.Annotations.Builder builder, string[] featureNames, int targetIndex, int windowSize)
    {
        var names = featureNames.Select(n => n.AsMemory()).ToArray();
        builder.Add(WindowFeatureNames, new VectorDataViewType(TextDataViewType.Instance, names.Length),
            (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(names.Length, (ReadOnlyMemory<char>[])names.Clone()));
        builder.Add(WindowTargetIndex, NumberDataViewType.Int32, (ref int value) => value = targetIndex);
        builder.Add(WindowSize, NumberDataViewType.Int32, (ref int value) => value = windowSize);
    }
}
