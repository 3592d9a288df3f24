using System.Globalization;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm.Training;

/// <summary>
/// The ONNX side of the network's seasonal structure (<see cref="LstmSeasonality"/>; the torch side is
/// <see cref="LstmNetwork"/>): the seasonal differences the recurrent layers read, and the seasonal-naive skip added to
/// each member's head output before the members' mean, the interval bands and the inverse normalisation.
/// </summary>
/// <remarks>
/// Writes graph version 4 (<see cref="LstmScoringLayout.OnnxFormatVersion"/>) and the metadata
/// <c>mlnet_lstm.seasonal_period</c> and <c>mlnet_lstm.seasonal_input</c>; a network without a period gets neither.
/// Node names and shapes: docs/trainer.md, "Persistence format".
/// </remarks>
internal static class SeasonalSkipOnnx
{
    /// <summary>The metadata key of the seasonal period m.</summary>
    public const string PeriodKey = "mlnet_lstm.seasonal_period";

    /// <summary>The metadata key of what the layers read (<see cref="SeasonalNetworkInput"/>'s name).</summary>
    public const string InputKey = "mlnet_lstm.seasonal_input";

    /// <summary>
    /// The tensor the first recurrent layer reads: <paramref name="windowTnf"/> itself, or its seasonal differences
    /// (‖ levels, or standardised with their mean and deviation over time, <c>[1, N, F]</c>).
    /// </summary>
    public static SeasonalLayerInputNodes AddLayerInput(OnnxModelBuilder b, LstmSeasonality seasonality, string windowTnf, int windowSize)
    {
        if (!seasonality.IsOn)
            return new(windowTnf, null, null);
        int m = seasonality.Period;
        string current = Slice(b, windowTnf, new long[] { m }, new long[] { windowSize }, new long[] { 0 }, "seasonal_cur");
        string previous = Slice(b, windowTnf, new long[] { 0 }, new long[] { windowSize - m }, new long[] { 0 }, "seasonal_prev");
        string diff = b.AddNode("Sub", new[] { current, previous }, new[] { "seasonal_diff" });
        return seasonality.Input switch
        {
            SeasonalNetworkInput.LevelsAndDifferences =>
                new(b.AddNode("Concat", new[] { current, diff }, new[] { "seasonal_input" }, OnnxAttribute.Of("axis", 2L)), null, null),
            SeasonalNetworkInput.StandardizedDifferences => AddStandardized(b, diff),
            _ => new(diff, null, null),
        };
    }

    /// <summary>
    /// <c>(d − μ) / σ</c> over time (axis 0 of <c>[T − m, N, F]</c>): μ = ReduceMean(d), σ = Sqrt(ReduceMean((d − μ)²)),
    /// 1 where 0, the same float32 operations as <see cref="LstmNetwork"/>'s.
    /// </summary>
    private static SeasonalLayerInputNodes AddStandardized(OnnxModelBuilder b, string diff)
    {
        var overTime = new[] { OnnxAttribute.Of("axes", new long[] { 0 }), OnnxAttribute.Of("keepdims", 1L) };
        string mean = b.AddNode("ReduceMean", new[] { diff }, new[] { "seasonal_mean" }, overTime);
        string centered = b.AddNode("Sub", new[] { diff, mean }, new[] { "seasonal_centered" });
        string squared = b.AddNode("Mul", new[] { centered, centered }, new[] { "seasonal_squared" });
        string variance = b.AddNode("ReduceMean", new[] { squared }, new[] { "seasonal_variance" }, overTime);
        string std = b.AddNode("Sqrt", new[] { variance }, new[] { "seasonal_std_raw" });
        b.AddInitializer("seasonal_zero", new[] { 0f }, new long[] { 1 });
        b.AddInitializer("seasonal_one", new[] { 1f }, new long[] { 1 });
        string isZero = b.AddNode("Equal", new[] { std, "seasonal_zero" }, new[] { "seasonal_std_is_zero" });
        std = b.AddNode("Where", new[] { isZero, "seasonal_one", std }, new[] { "seasonal_std" });
        string input = b.AddNode("Div", new[] { centered, std }, new[] { "seasonal_standardized" });
        return new(input, mean, std);
    }

    /// <summary>
    /// The seasonal skip every member adds to its head output, or null without a period: the seasonal-naive values
    /// of the target, <c>[N, h, 1]</c> for a quantile head or <c>[N, h]</c> for a point head, plus the target's mean
    /// difference with standardised differences (then with the target's deviation as the head's scale, <c>[N, 1, 1]</c>
    /// or <c>[N, 1]</c>).
    /// </summary>
    public static SeasonalSkipNodes? AddNaive(OnnxModelBuilder b, LstmSeasonality seasonality, SeasonalLayerInputNodes input, string windowNtf,
        int windowSize, int horizon, int targetIndex, bool quantileHead)
    {
        if (!seasonality.IsOn)
            return null;
        string naive = AddNaiveValues(b, seasonality, windowNtf, windowSize, horizon, targetIndex);
        if (!quantileHead)
        {
            b.AddInt64Vector("seasonal_shape_nh", -1, horizon);
            naive = b.AddNode("Reshape", new[] { naive, "seasonal_shape_nh" }, new[] { "seasonal_naive" });
        }
        if (input.Mean is null || input.Std is null)
            return new(naive, null);
        b.AddInt64Vector("seasonal_shape_stat", quantileHead ? new long[] { -1, 1, 1 } : new long[] { -1, 1 });
        string TargetStat(string stat)
        {
            string column = Slice(b, stat, new long[] { targetIndex }, new long[] { targetIndex + 1L }, new long[] { 2 }, stat + "_target_1n1");
            return b.AddNode("Reshape", new[] { column, "seasonal_shape_stat" }, new[] { stat + "_target" });
        }
        string drift = b.AddNode("Add", new[] { naive, TargetStat(input.Mean) }, new[] { "seasonal_base" });
        return new(drift, TargetStat(input.Std));
    }

    /// <summary>
    /// The target's values at <see cref="LstmSeasonality.NaiveSteps"/>, <c>[N, h, 1]</c>: one Slice of the steps
    /// T − m .. T − m + h when h ≤ m (the graph this library always wrote), else a Gather of the steps
    /// <c>T − m + (k mod m)</c> along axis 1, then the Slice of the target column.
    /// </summary>
    private static string AddNaiveValues(OnnxModelBuilder b, LstmSeasonality seasonality, string windowNtf, int windowSize, int horizon, int targetIndex)
    {
        long start = windowSize - seasonality.Period;
        if (horizon <= seasonality.Period)
            return Slice(b, windowNtf, new[] { start, targetIndex }, new[] { start + horizon, targetIndex + 1L }, new long[] { 1, 2 }, "seasonal_naive_nh1");
        b.AddInt64Vector("seasonal_naive_steps", seasonality.NaiveSteps(windowSize, horizon));
        string steps = b.AddNode("Gather", new[] { windowNtf, "seasonal_naive_steps" }, new[] { "seasonal_naive_nhf" }, OnnxAttribute.Of("axis", 1L));
        return Slice(b, steps, new long[] { targetIndex }, new[] { targetIndex + 1L }, new long[] { 2 }, "seasonal_naive_nh1");
    }

    /// <summary>
    /// One member's output plus the seasonal skip (unchanged when <paramref name="skip"/> is null); with a scale,
    /// <c>output · scale + base</c>.
    /// </summary>
    public static string AddSkip(OnnxModelBuilder b, string memberOutput, SeasonalSkipNodes? skip, string prefix)
    {
        if (skip is null)
            return memberOutput;
        string scaled = skip.Scale is null ? memberOutput : b.AddNode("Mul", new[] { memberOutput, skip.Scale }, new[] { $"{prefix}seasonal_scaled" });
        return b.AddNode("Add", new[] { scaled, skip.Base }, new[] { $"{prefix}seasonal_out" });
    }

    /// <summary>The metadata entries (none without a period).</summary>
    public static void AddMetadata(OnnxModelBuilder b, LstmSeasonality seasonality)
    {
        if (!seasonality.IsOn)
            return;
        b.SetMetadata(PeriodKey, seasonality.Period.ToString(CultureInfo.InvariantCulture));
        b.SetMetadata(InputKey, seasonality.Input.ToString());
    }

    private static string Slice(OnnxModelBuilder b, string input, long[] starts, long[] ends, long[] axes, string name)
    {
        b.AddInt64Vector(name + "_starts", starts);
        b.AddInt64Vector(name + "_ends", ends);
        b.AddInt64Vector(name + "_axes", axes);
        return b.AddNode("Slice", new[] { input, name + "_starts", name + "_ends", name + "_axes" }, new[] { name });
    }
}
