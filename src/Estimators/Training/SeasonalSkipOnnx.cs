using System.Globalization;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm.Training;

/// <summary>
/// The ONNX side of the network's seasonal structure (<see cref="LstmSeasonality"/>; the torch side is
/// <see cref="LstmNetwork"/>): the seasonal differences the recurrent layers read, and the seasonal-naive skip added to
/// each member's head output before the members' mean, the interval bands and the inverse normalisation.
/// </summary>
/// <remarks>
/// Graph (version 4, <see cref="LstmScoringLayout.OnnxFormatVersion"/>), for period m, window T, horizon h and target index c, all in normalised units:
/// <list type="bullet">
/// <item><c>seasonal_cur</c> = Slice(window <c>[T, N, F]</c>, axis 0, m .. T), <c>seasonal_prev</c> = Slice(.., 0 .. T − m),
/// <c>seasonal_diff</c> = Sub(cur, prev) <c>[T − m, N, F]</c>; with <see cref="SeasonalNetworkInput.LevelsAndDifferences"/>
/// <c>seasonal_input</c> = Concat(cur, diff, axis 2) <c>[T − m, N, 2F]</c>; with <see cref="SeasonalNetworkInput.StandardizedDifferences"/>
/// <c>seasonal_mean</c> μ = ReduceMean(diff, axis 0), <c>seasonal_std</c> σ = Sqrt(ReduceMean((diff − μ)², axis 0)) (Where 0: 1),
/// <c>[1, N, F]</c>, and <c>seasonal_standardized</c> = (diff − μ) / σ. The layers read it instead of the window.</item>
/// <item><c>seasonal_naive</c> = Slice(window <c>[N, T, F]</c>, axes 1, 2: T − m .. T − m + h, c .. c + 1) <c>[N, h, 1]</c>
/// (a point model: reshaped to <c>[N, h]</c>); each member adds it to its head output (<c>{prefix}seasonal_out</c>),
/// after the quantiles' non-crossing transform, so every quantile of a step moves by the same value. With standardised
/// differences the skip is <c>output · σ_c + (naive + μ_c)</c> (<c>seasonal_base</c>; μ_c, σ_c sliced at the target
/// and reshaped to <c>[N, 1(, 1)]</c>): σ &gt; 0, so quantiles stay ordered.</item>
/// <item>Metadata <c>mlnet_lstm.seasonal_period</c> (m) and <c>mlnet_lstm.seasonal_input</c> (the enum's name:
/// <c>Differences</c>, <c>LevelsAndDifferences</c> or <c>StandardizedDifferences</c>; a reader refuses a name it does
/// not know, so the version stays 4); both absent for a network without a period, whose graph is unchanged.</item>
/// </list>
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
        long start = windowSize - seasonality.Period;
        string naive = Slice(b, windowNtf, new[] { start, targetIndex }, new[] { start + horizon, targetIndex + 1L }, new long[] { 1, 2 }, "seasonal_naive_nh1");
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

/// <summary>What <see cref="SeasonalSkipOnnx.AddLayerInput"/> wrote: the layers' input and, for standardised differences, μ and σ <c>[1, N, F]</c>.</summary>
/// <param name="LayerInput">The tensor the first recurrent layer reads, <c>[T or T − m, N, F or 2F]</c>.</param>
/// <param name="Mean">μ per window and column, or null.</param>
/// <param name="Std">σ per window and column (1 where 0), or null.</param>
internal sealed record SeasonalLayerInputNodes(string LayerInput, string? Mean, string? Std);

/// <summary>The seasonal skip each member applies: <c>output (· Scale) + Base</c>.</summary>
/// <param name="Base">The seasonal-naive values (plus the target's mean difference for standardised differences).</param>
/// <param name="Scale">The target's deviation σ for standardised differences, or null.</param>
internal sealed record SeasonalSkipNodes(string Base, string? Scale);
