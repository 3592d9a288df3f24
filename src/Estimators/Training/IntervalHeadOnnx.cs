using System.Globalization;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm.Training;

/// <summary>
/// The ONNX side of the quantile head and the conformal bounds, between the linear head and the window
/// normalisation's inverse. In normalised units it builds one tensor <c>[N, 3h + h·q]</c> =
/// median ‖ lower ‖ upper ‖ quantiles, so that the inverse and the non-finite check are applied once; after them
/// <see cref="AddOutputs"/> slices it into the output columns.
/// </summary>
internal static class IntervalHeadOnnx
{
    /// <summary>
    /// The shape constant <c>q_shape_nhq</c> (<c>[-1, h, q]</c>) shared by every member's non-crossing transform and
    /// the <c>Quantiles</c> output; added once per graph for a quantile model.
    /// </summary>
    public static void AddShared(OnnxModelBuilder b, LstmIntervalHead interval, int h)
    {
        if (interval.QuantileLevels is not null)
            b.AddInt64Vector("q_shape_nhq", -1, h, interval.QuantileCount);
    }

    /// <summary>
    /// One member network's head outputs <c>[N, h·q]</c> → its non-crossing quantiles <c>[N, h, q]</c> (Reshape,
    /// Softplus, MatMul with the constant <c>q_noncrossing</c>, plus the raw median), names prefixed with
    /// <paramref name="prefix"/>; a point model's head is returned unchanged. Averaging members' non-crossing
    /// quantiles keeps them non-crossing (a mean of increasing sequences is increasing).
    /// </summary>
    public static string AddNonCrossing(OnnxModelBuilder b, string head, LstmIntervalHead interval, string prefix)
    {
        if (interval.QuantileLevels is null)
            return head;
        int q = interval.QuantileCount, m = interval.MedianIndex;
        b.AddInitializer($"{prefix}q_noncrossing", interval.NonCrossingMatrix(), new long[] { q, q });
        string raw = b.AddNode("Reshape", new[] { head, "q_shape_nhq" }, new[] { $"{prefix}q_raw" });
        string soft = b.AddNode("Softplus", new[] { raw }, new[] { $"{prefix}q_softplus" });
        string incr = b.AddNode("MatMul", new[] { soft, $"{prefix}q_noncrossing" }, new[] { $"{prefix}q_increments" });
        return b.AddNode("Add", new[] { incr, Slice(b, raw, m, m + 1, 2, $"{prefix}q_raw_median") }, new[] { $"{prefix}q_all" });
    }

    /// <summary>
    /// The (averaged) non-crossing quantiles <c>[N, h, q]</c>, or a point model's head <c>[N, h]</c> →
    /// <c>[N, 3h (+ h·q)]</c> = median ‖ lower ‖ upper (‖ quantiles), normalised (see the class remarks).
    /// </summary>
    public static string AddBands(OnnxModelBuilder b, string values, LstmIntervalHead interval, int h)
    {
        int q = interval.QuantileCount, m = interval.MedianIndex;
        string median, lo, hi, quantiles = "";
        if (interval.QuantileLevels is null)
        {
            median = lo = hi = values;
        }
        else
        {
            string q3 = values;
            b.AddInt64Vector("q_shape_nh", -1, h);
            string Step(int j, string name) =>
                b.AddNode("Reshape", new[] { Slice(b, q3, j, j + 1, 2, name + "_nh1"), "q_shape_nh" }, new[] { name });
            median = Step(m, "q_median");
            lo = Step(0, "q_lowest");
            hi = Step(q - 1, "q_highest");
            b.AddInt64Vector("q_shape_flat", -1, (long)h * q);
            quantiles = b.AddNode("Reshape", new[] { q3, "q_shape_flat" }, new[] { "q_flat" });
        }
        if (interval.ConformalWidths is { } widths)
        {
            b.AddInitializer("conformal_width", (float[])widths.Clone(), new long[] { h });
            lo = b.AddNode("Sub", new[] { lo, "conformal_width" }, new[] { "conformal_lo" });
            hi = b.AddNode("Add", new[] { hi, "conformal_width" }, new[] { "conformal_hi" });
        }
        // A negative CQR width may pull a bound past the median: keep Lower ≤ Score ≤ Upper.
        lo = b.AddNode("Min", new[] { lo, median }, new[] { "band_lower" });
        hi = b.AddNode("Max", new[] { hi, median }, new[] { "band_upper" });
        var parts = quantiles.Length > 0 ? new[] { median, lo, hi, quantiles } : new[] { median, lo, hi };
        return b.AddNode("Concat", parts, new[] { "bands" }, OnnxAttribute.Of("axis", 1L));
    }

    /// <summary>The de-normalised, checked bands <c>[N, 3h (+ h·q)]</c> → the graph outputs Score, LowerBound, UpperBound (, Quantiles).</summary>
    public static void AddOutputs(OnnxModelBuilder b, string bands, LstmIntervalHead interval, int h, string scoreName)
    {
        int q = interval.QuantileCount;
        if (h == 1)
            b.AddInt64Vector("out_shape_n", -1);
        string score = Slice(b, bands, 0, h, 1, "out_median");
        string first = Slice(b, bands, h, 2 * h, 1, "out_lower");
        string second = Slice(b, bands, 2 * h, 3 * h, 1, "out_upper");
        // A decreasing inverse (RelativeToFirst with a negative first value) swaps the bounds: order them again.
        string lower = b.AddNode("Min", new[] { first, second }, new[] { "out_lower_ordered" });
        string upper = b.AddNode("Max", new[] { first, second }, new[] { "out_upper_ordered" });
        Output(b, score, scoreName, h);
        Output(b, lower, LstmScoringLayout.LowerBoundColumnName, h);
        Output(b, upper, LstmScoringLayout.UpperBoundColumnName, h);
        if (interval.QuantileLevels is not null)
        {
            string flat = Slice(b, bands, 3 * h, 3 * h + h * q, 1, "out_quantiles");
            b.AddNode("Reshape", new[] { flat, "q_shape_nhq" }, new[] { LstmScoringLayout.QuantilesColumnName });
            b.AddOutput(LstmScoringLayout.QuantilesColumnName, OnnxElementType.Float, OnnxDim.Batch, h, q);
        }
    }

    /// <summary>The metadata of the interval head (absent for a point model).</summary>
    public static void AddMetadata(OnnxModelBuilder b, LstmIntervalHead interval)
    {
        var inv = CultureInfo.InvariantCulture;
        if (interval.LevelsText is { } levels)
            b.SetMetadata("mlnet_lstm.quantile_levels", levels);
        if (interval.ConformalLevel is float c)
            b.SetMetadata("mlnet_lstm.conformal_level", c.ToString("R", inv));
        if (interval.IntervalLevel is double level)
            b.SetMetadata("mlnet_lstm.interval_level", level.ToString("R", inv));
    }

    /// <summary>One output: <c>[N]</c> for horizon 1 (as <c>Score</c> has always been), else <c>[N, h]</c>.</summary>
    private static void Output(OnnxModelBuilder b, string value, string name, int h)
    {
        if (h == 1)
        {
            b.AddNode("Reshape", new[] { value, "out_shape_n" }, new[] { name });
            b.AddOutput(name, OnnxElementType.Float, OnnxDim.Batch);
        }
        else
        {
            b.AddNode("Identity", new[] { value }, new[] { name });
            b.AddOutput(name, OnnxElementType.Float, OnnxDim.Batch, h);
        }
    }

    private static string Slice(OnnxModelBuilder b, string input, long start, long end, long axis, string name)
    {
        b.AddInt64Vector(name + "_starts", start);
        b.AddInt64Vector(name + "_ends", end);
        b.AddInt64Vector(name + "_axes", axis);
        return b.AddNode("Slice", new[] { input, name + "_starts", name + "_ends", name + "_axes" }, new[] { name });
    }
}
