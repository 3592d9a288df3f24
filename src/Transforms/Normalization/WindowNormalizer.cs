using MLNet.Lstm.Onnx;

namespace MLNet.Lstm;

/// <summary>
/// The one definition of per-window normalisation, its label path and its inverse: a C# kernel (the window view,
/// the trainer's labels) and an ONNX graph builder (the saved <c>NormalizeWindows</c> graph, the LSTM graph's
/// inverse), both driven by the same mode table (<see cref="WindowNormalizerMode"/>).
/// </summary>
/// <remarks>
/// <para>Per window and column the mode gives an origin, an optional offset and a scale:
/// <c>w' = ((w - origin) - offset) / scale</c>, <c>shift = origin + offset</c>, label <c>y' = (y - shift) / scale</c>,
/// inverse <c>w = w' · scale + shift</c>. A zero scale becomes <see cref="WindowNormalizerMode.ZeroScale"/>; a column
/// that cannot be normalised gets NaN shift, scale and values. C# and graph agree bitwise (single precision, same
/// order). Adding a mode: a <see cref="WindowNormalization"/> value, a <see cref="WindowNormalizerMode"/> subclass and
/// an entry in <see cref="For"/>. See docs/windows.md, "NormalizeWindows".</para>
/// </remarks>
internal static class WindowNormalizer
{
    private static readonly Dictionary<WindowNormalization, WindowNormalizerMode> Modes = new()
    {
        [WindowNormalization.None] = new NoneMode(),
        [WindowNormalization.RelativeToFirst] = new RelativeToFirstMode(),
        [WindowNormalization.MinMax] = new MinMaxMode(),
        [WindowNormalization.ZScore] = new ZScoreMode(),
        [WindowNormalization.RelativeToLast] = new RelativeToLastMode(),
        [WindowNormalization.SeriesMinMax] = new SeriesLevelMode(zScore: false),
        [WindowNormalization.SeriesZScore] = new SeriesLevelMode(zScore: true),
    };

    /// <summary>The table entry of <paramref name="mode"/>.</summary>
    public static WindowNormalizerMode For(WindowNormalization mode) =>
        Modes.TryGetValue(mode, out var m) ? m
            : throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Unknown window normalisation; use one of {string.Join(", ", Modes.Keys)}.");

    /// <summary>
    /// Normalises a time-major window of T·F values in place and writes its F shifts and scales. A series-level mode
    /// takes them from <c>fitted</c>, the statistics of the window's series key (<see cref="SeriesScaling.Row"/>);
    /// the per-window modes ignore it.
    /// </summary>
    /// <returns>The first column that could not be normalised (its values, shift and scale are NaN), or -1.</returns>
    public static int Normalize(Span<float> window, int t, int f, WindowNormalization mode, Span<float> shift, Span<float> scale,
        SeriesScalingRow fitted = default)
    {
        var m = For(mode);
        if (m.IsSeriesLevel && fitted.Shift.Length != f)
            throw new InvalidOperationException($"{mode} needs the fitted statistics of the window's series ({f} shifts and scales).");
        int invalid = -1;
        for (int j = 0; j < f; j++)
        {
            var p = m.IsSeriesLevel ? new WindowParameters(fitted.Shift.Span[j], 0f, fitted.Scale.Span[j]) : m.Parameters(window, t, f, j);
            float origin = p.Origin, offset = m.HasOffset ? p.Offset : 0f;
            float s = p.Scale == 0f ? m.ZeroScale : p.Scale;
            if (!ColumnIsFinite(window, t, f, j) || !float.IsFinite(origin) || !float.IsFinite(offset) || !float.IsFinite(s))
            {
                origin = offset = s = float.NaN;
                if (invalid < 0)
                    invalid = j;
            }
            shift[j] = m.HasOffset ? origin + offset : origin;
            scale[j] = m.ZeroSpreadKeepsLevel && p.Scale == 0f && !float.IsNaN(s) ? 0f : s;
            for (int i = 0; i < t; i++)
            {
                ref float v = ref window[i * f + j];
                v = m.HasOffset ? ((v - origin) - offset) / s : (v - origin) / s;
            }
        }
        return invalid;
    }

    /// <summary>
    /// The label path: a value in the window's units normalised with its column's shift and scale. A scale of 0 (a
    /// window without spread, forecast at its level whatever the network outputs) gives 0 for a finite value, so such
    /// a labelled window teaches the network to add nothing to a flat window.
    /// </summary>
    public static float NormalizeValue(float value, float shift, float scale) => scale == 0f ? (value - shift) * 0f : (value - shift) / scale;

    /// <summary>The inverse: a normalised value back in the window's units.</summary>
    public static float Denormalize(float normalized, float shift, float scale) => normalized * scale + shift;

    private static bool ColumnIsFinite(ReadOnlySpan<float> window, int t, int f, int j)
    {
        for (int i = 0; i < t; i++)
        {
            if (!float.IsFinite(window[i * f + j]))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Adds the normalisation of graph value <paramref name="input"/> (float <c>[N, T·F]</c>) to a graph: outputs
    /// <paramref name="windowOutput"/> <c>[N, T, F]</c>, <paramref name="shiftOutput"/> and
    /// <paramref name="scaleOutput"/> <c>[N, F]</c> (the outputs are not declared as graph outputs here). A series-level
    /// mode looks its parameters up in <c>series</c>, the fitted statistics, whose nodes read the key input.
    /// </summary>
    public static void AddNormalize(OnnxModelBuilder b, WindowNormalization mode, string input, int t, int f,
        string windowOutput, string shiftOutput, string scaleOutput, SeriesScaling? series = null)
    {
        var m = For(mode);
        b.AddInt64Vector("shape_ntf", -1, t, f);
        b.AddInt64Vector("shape_nf", -1, f);
        b.AddInitializer("zero", new[] { 0f }, new long[] { 1 });
        b.AddInitializer("nan", new[] { float.NaN }, new long[] { 1 });
        b.AddInitializer("zero_scale", new[] { m.ZeroScale }, new long[] { 1 });
        string x3 = b.AddNode("Reshape", new[] { input, "shape_ntf" }, new[] { "x3" });
        var p = m.IsSeriesLevel
            ? (series ?? throw new InvalidOperationException($"{mode} needs its fitted statistics.")).AddParameters(b, x3)
            : m.AddParameters(b, x3, t, f);
        string scaleIsZero = b.AddNode("Equal", new[] { p.Scale, "zero" }, new[] { "scale_is_zero" });
        string scale = b.AddNode("Where", new[] { scaleIsZero, "zero_scale", p.Scale }, new[] { "scale_nonzero" });

        // A column is invalid when a value or a parameter is not finite: x·0 is 0 for a finite x and NaN otherwise.
        string check = OnnxNonFinite.AddZeroOrNaN(b, x3, axis: 1, "window_check");
        foreach (var parameter in new[] { p.Origin, p.Offset, scale }.OfType<string>())
        {
            string zeroed = b.AddNode("Mul", new[] { parameter, "zero" }, new[] { parameter + "_times_zero" });
            check = b.AddNode("Add", new[] { check, zeroed }, new[] { parameter + "_check" });
        }
        string invalid = b.AddNode("IsNaN", new[] { check }, new[] { "column_invalid" });
        string origin = b.AddNode("Where", new[] { invalid, "nan", p.Origin }, new[] { "origin_checked" });
        scale = b.AddNode("Where", new[] { invalid, "nan", scale }, new[] { "scale_checked" });

        string centered = b.AddNode("Sub", new[] { x3, origin }, new[] { "x_minus_origin" });
        string shift = origin;
        if (p.Offset is not null)
        {
            centered = b.AddNode("Sub", new[] { centered, p.Offset }, new[] { "centered" });
            shift = b.AddNode("Add", new[] { origin, p.Offset }, new[] { "shift3" });
        }
        b.AddNode("Div", new[] { centered, scale }, new[] { windowOutput });
        string reported = scale;
        if (m.ZeroSpreadKeepsLevel)
        {
            // A flat window reports scale 0 (divided by 1 above), NaN stays NaN: Where(scale_is_zero and finite, 0, scale).
            string flat = b.AddNode("And", new[] { scaleIsZero, b.AddNode("Not", new[] { invalid }, new[] { "column_valid" }) }, new[] { "column_flat" });
            reported = b.AddNode("Where", new[] { flat, "zero", scale }, new[] { "scale_reported" });
        }
        b.AddNode("Reshape", new[] { shift, "shape_nf" }, new[] { shiftOutput });
        b.AddNode("Reshape", new[] { reported, "shape_nf" }, new[] { scaleOutput });
    }

    /// <summary>
    /// Adds the inverse for the target column to a graph: <paramref name="normalized"/> <c>[N, h]</c> ·
    /// <c>scale[:, target]</c> + <c>shift[:, target]</c>, from the graph inputs <paramref name="shiftInput"/> and
    /// <paramref name="scaleInput"/> (<c>[N, F]</c>). Returns the name of the <c>[N, h]</c> result.
    /// </summary>
    public static string AddDenormalize(OnnxModelBuilder b, string normalized, string shiftInput, string scaleInput, int targetIndex)
    {
        b.AddInitializer("target_index", new long[] { targetIndex }, Array.Empty<long>());
        b.AddInt64Vector("denorm_axes_1", 1);
        string sh = b.AddNode("Gather", new[] { shiftInput, "target_index" }, new[] { "target_shift" }, OnnxAttribute.Of("axis", 1L));
        string sc = b.AddNode("Gather", new[] { scaleInput, "target_index" }, new[] { "target_scale" }, OnnxAttribute.Of("axis", 1L));
        sh = b.AddNode("Unsqueeze", new[] { sh, "denorm_axes_1" }, new[] { "target_shift_n1" });
        sc = b.AddNode("Unsqueeze", new[] { sc, "denorm_axes_1" }, new[] { "target_scale_n1" });
        string p = b.AddNode("Mul", new[] { normalized, sc }, new[] { "denorm_scaled" });
        return b.AddNode("Add", new[] { p, sh }, new[] { "denorm_out" });
    }
}
