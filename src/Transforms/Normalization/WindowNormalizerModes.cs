using MLNet.Lstm.Onnx;

namespace MLNet.Lstm;

// The mode table of WindowNormalizer: one row (a WindowNormalizerMode) per WindowNormalization value.

/// <summary>The C# parameters of one column of one window.</summary>
internal readonly record struct WindowParameters(float Origin, float Offset, float Scale);

/// <summary>The graph values (<c>[N, 1, F]</c>) of the parameters; <see cref="Offset"/> null when the mode has none.</summary>
internal readonly record struct WindowParameterNodes(string Origin, string? Offset, string Scale);

/// <summary>One row of the mode table of <see cref="WindowNormalizer"/>: its parameters in C# and as graph nodes.</summary>
internal abstract class WindowNormalizerMode
{
    /// <summary>The scale used where the computed scale is exactly 0: 1 (constant column) or NaN (cannot normalise).</summary>
    public abstract float ZeroScale { get; }

    /// <summary>
    /// Whether a computed scale of exactly 0 means a window without spread (MinMax, ZScore): the window is divided by
    /// <see cref="ZeroScale"/> (1), but its reported scale is 0, so that the inverse <c>p · 0 + shift</c> forecasts the
    /// window's level whatever the network outputs (it cannot read a scale from a flat window).
    /// </summary>
    public virtual bool ZeroSpreadKeepsLevel => false;

    /// <summary>Whether the mode subtracts an offset after the origin (the shift is then origin + offset).</summary>
    public virtual bool HasOffset => false;

    /// <summary>
    /// Whether the parameters are statistics fitted per series key (<see cref="SeriesScaling"/>) instead of computed
    /// from each window; such a mode has neither <see cref="Parameters"/> nor <see cref="AddParameters"/>.
    /// </summary>
    public virtual bool IsSeriesLevel => false;

    /// <summary>The parameters of column <paramref name="j"/> of a time-major window of T·F values.</summary>
    public abstract WindowParameters Parameters(ReadOnlySpan<float> window, int t, int f, int j);

    /// <summary>Adds the nodes computing the parameters from <paramref name="x3"/> (<c>[N, T, F]</c>, T = <paramref name="t"/>).</summary>
    public abstract WindowParameterNodes AddParameters(OnnxModelBuilder b, string x3, int t, int f);

    /// <summary>The first time step of every column, <c>[N, 1, F]</c>.</summary>
    protected static string AddFirst(OnnxModelBuilder b, string x3)
    {
        b.AddInt64Vector("start0", 0);
        b.AddInt64Vector("end1", 1);
        b.AddInt64Vector("axis1", 1);
        return b.AddNode("Slice", new[] { x3, "start0", "end1", "axis1" }, new[] { "first" });
    }

    protected static OnnxAttribute[] OverTime => new[] { OnnxAttribute.Of("axes", new long[] { 1 }), OnnxAttribute.Of("keepdims", 1L) };
}

/// <summary><see cref="WindowNormalization.None"/>: origin 0, scale 1.</summary>
internal sealed class NoneMode : WindowNormalizerMode
{
    public override float ZeroScale => 1f;

    public override WindowParameters Parameters(ReadOnlySpan<float> window, int t, int f, int j) => new(0f, 0f, 1f);

    public override WindowParameterNodes AddParameters(OnnxModelBuilder b, string x3, int t, int f)
    {
        string shape = b.AddNode("Shape", new[] { AddFirst(b, x3) }, new[] { "first_shape" });
        b.AddInitializer("zeros_f", new float[f], new long[] { 1, 1, f });
        b.AddInitializer("ones_f", Enumerable.Repeat(1f, f).ToArray(), new long[] { 1, 1, f });
        return new(b.AddNode("Expand", new[] { "zeros_f", shape }, new[] { "origin3" }), null,
            b.AddNode("Expand", new[] { "ones_f", shape }, new[] { "scale3" }));
    }
}

/// <summary><see cref="WindowNormalization.RelativeToFirst"/>: origin = scale = the first value (a zero base: NaN).</summary>
internal sealed class RelativeToFirstMode : WindowNormalizerMode
{
    public override float ZeroScale => float.NaN;

    public override WindowParameters Parameters(ReadOnlySpan<float> window, int t, int f, int j) => new(window[j], 0f, window[j]);

    public override WindowParameterNodes AddParameters(OnnxModelBuilder b, string x3, int t, int f)
    {
        string first = AddFirst(b, x3);
        return new(first, null, first);
    }
}

/// <summary><see cref="WindowNormalization.RelativeToLast"/>: origin = scale = the last value (a zero base: NaN).</summary>
internal sealed class RelativeToLastMode : WindowNormalizerMode
{
    public override float ZeroScale => float.NaN;

    public override WindowParameters Parameters(ReadOnlySpan<float> window, int t, int f, int j)
    {
        float last = window[(t - 1) * f + j];
        return new(last, 0f, last);
    }

    public override WindowParameterNodes AddParameters(OnnxModelBuilder b, string x3, int t, int f)
    {
        b.AddInt64Vector("start_last", -1);
        b.AddInt64Vector("end_last", long.MaxValue);
        b.AddInt64Vector("axis1_last", 1);
        string last = b.AddNode("Slice", new[] { x3, "start_last", "end_last", "axis1_last" }, new[] { "last" });
        return new(last, null, last);
    }
}

/// <summary><see cref="WindowNormalization.MinMax"/>: origin = min, scale = max - min (0: a flat window, see <see cref="WindowNormalizerMode.ZeroSpreadKeepsLevel"/>).</summary>
internal sealed class MinMaxMode : WindowNormalizerMode
{
    public override float ZeroScale => 1f;

    public override bool ZeroSpreadKeepsLevel => true;

    public override WindowParameters Parameters(ReadOnlySpan<float> window, int t, int f, int j)
    {
        float min = window[j], max = window[j];
        for (int i = 1; i < t; i++)
        {
            float v = window[i * f + j];
            if (v < min)
                min = v;
            if (v > max)
                max = v;
        }
        return new(min, 0f, max - min);
    }

    public override WindowParameterNodes AddParameters(OnnxModelBuilder b, string x3, int t, int f)
    {
        string min = b.AddNode("ReduceMin", new[] { x3 }, new[] { "min" }, OverTime);
        string max = b.AddNode("ReduceMax", new[] { x3 }, new[] { "max" }, OverTime);
        return new(min, null, b.AddNode("Sub", new[] { max, min }, new[] { "range" }));
    }
}

/// <summary>
/// <see cref="WindowNormalization.ZScore"/>, computed on differences from the first value so that float sums of large
/// prices stay exact enough: origin = x0, offset = mean(x - x0), scale = population deviation (0: a flat window, see
/// <see cref="WindowNormalizerMode.ZeroSpreadKeepsLevel"/>). The deviation is <c>a · sqrt(mean((c / a)²))</c> with
/// c the deviations from the mean and a = max |c|, so that it neither underflows (series around 1e-25) nor overflows.
/// </summary>
/// <remarks>
/// Both sums are single precision and in time order, here and in the graph (a Split over time and a chain of Adds,
/// not ReduceMean, whose summation order is ONNX Runtime's own), so the kernel and the graph agree bitwise. The graph
/// holds 2·T Add nodes; float32 sums of T differences from the first value lose at most about T·6e-8 relative, which
/// only moves the shift and scale that the inverse uses in the same way.
/// </remarks>
internal sealed class ZScoreMode : WindowNormalizerMode
{
    public override float ZeroScale => 1f;

    public override bool ZeroSpreadKeepsLevel => true;

    public override bool HasOffset => true;

    public override WindowParameters Parameters(ReadOnlySpan<float> window, int t, int f, int j)
    {
        float first = window[j];
        float sum = window[j] - first;
        for (int i = 1; i < t; i++)
            sum += window[i * f + j] - first;
        float m = sum / t;
        // The deviations are divided by the largest |deviation| a before squaring (a · sqrt(mean((c/a)²))): the squares
        // of deviations below about 1e-19 underflow in float32 (and above 1e19 overflow).
        float a = 0f;
        for (int i = 0; i < t; i++)
            a = MathF.Max(a, MathF.Abs((window[i * f + j] - first) - m));
        float divisor = a == 0f ? 1f : a;
        float u0 = ((window[j] - first) - m) / divisor;
        float sq = u0 * u0;
        for (int i = 1; i < t; i++)
        {
            float u = ((window[i * f + j] - first) - m) / divisor;
            sq += u * u;
        }
        return new(first, m, MathF.Sqrt(sq / t) * a);
    }

    public override WindowParameterNodes AddParameters(OnnxModelBuilder b, string x3, int t, int f)
    {
        string first = AddFirst(b, x3);
        b.AddInitializer("time_steps", new[] { (float)t }, new long[] { 1 });
        string d = b.AddNode("Sub", new[] { x3, first }, new[] { "delta" });
        string m = b.AddNode("Div", new[] { SumOverTime(b, d, t, "delta"), "time_steps" }, new[] { "delta_mean" });
        string centered = b.AddNode("Sub", new[] { d, m }, new[] { "delta_centered" });
        string abs = b.AddNode("Abs", new[] { centered }, new[] { "delta_abs" });
        string a = b.AddNode("ReduceMax", new[] { abs }, new[] { "delta_abs_max" }, OverTime);
        b.AddInitializer("std_zero", new[] { 0f }, new long[] { 1 });
        b.AddInitializer("std_one", new[] { 1f }, new long[] { 1 });
        string aIsZero = b.AddNode("Equal", new[] { a, "std_zero" }, new[] { "delta_abs_max_is_zero" });
        string divisor = b.AddNode("Where", new[] { aIsZero, "std_one", a }, new[] { "delta_divisor" });
        string u = b.AddNode("Div", new[] { centered, divisor }, new[] { "delta_unit" });
        string sq = b.AddNode("Mul", new[] { u, u }, new[] { "squared" });
        string variance = b.AddNode("Div", new[] { SumOverTime(b, sq, t, "squared"), "time_steps" }, new[] { "unit_variance" });
        string unitStd = b.AddNode("Sqrt", new[] { variance }, new[] { "unit_std" });
        return new(first, m, b.AddNode("Mul", new[] { unitStd, a }, new[] { "std" }));
    }

    /// <summary>Σ over time of <paramref name="x"/> (<c>[N, T, F]</c> → <c>[N, 1, F]</c>), added in time order.</summary>
    private static string SumOverTime(OnnxModelBuilder b, string x, int t, string name)
    {
        if (t == 1)
            return x;
        var steps = Enumerable.Range(0, t).Select(i => $"{name}_t{i}").ToArray();
        b.AddNode("Split", new[] { x }, steps, OnnxAttribute.Of("axis", 1L));
        string sum = steps[0];
        for (int i = 1; i < t; i++)
            sum = b.AddNode("Add", new[] { sum, steps[i] }, new[] { $"{name}_sum{i}" });
        return sum;
    }
}

/// <summary>
/// <see cref="WindowNormalization.SeriesMinMax"/> and <see cref="WindowNormalization.SeriesZScore"/>: the parameters are
/// the fitted statistics of the window's series key (<see cref="SeriesScaling"/>), origin = shift, scale = scale.
/// </summary>
internal sealed class SeriesLevelMode : WindowNormalizerMode
{
    public SeriesLevelMode(bool zScore) => IsZScore = zScore;

    /// <summary>Mean and deviation (<see langword="true"/>) or minimum and range.</summary>
    public bool IsZScore { get; }

    public override float ZeroScale => 1f;

    public override bool IsSeriesLevel => true;

    public override WindowParameters Parameters(ReadOnlySpan<float> window, int t, int f, int j) =>
        throw new InvalidOperationException("A series-level normalisation reads its fitted statistics (SeriesScaling), not the window.");

    public override WindowParameterNodes AddParameters(OnnxModelBuilder b, string x3, int t, int f) =>
        throw new InvalidOperationException("A series-level normalisation adds its nodes through SeriesScaling.AddParameters.");
}
