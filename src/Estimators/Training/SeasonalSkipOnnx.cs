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
/// <c>seasonal_input</c> = Concat(cur, diff, axis 2) <c>[T − m, N, 2F]</c>. The layers read it instead of the window.</item>
/// <item><c>seasonal_naive</c> = Slice(window <c>[N, T, F]</c>, axes 1, 2: T − m .. T − m + h, c .. c + 1) <c>[N, h, 1]</c>
/// (a point model: reshaped to <c>[N, h]</c>); each member adds it to its head output (<c>{prefix}seasonal_out</c>),
/// after the quantiles' non-crossing transform, so every quantile of a step moves by the same value.</item>
/// <item>Metadata <c>mlnet_lstm.seasonal_period</c> (m) and <c>mlnet_lstm.seasonal_input</c> (the enum's name); both
/// absent for a network without a period, whose graph is unchanged.</item>
/// </list>
/// </remarks>
internal static class SeasonalSkipOnnx
{
    /// <summary>The metadata key of the seasonal period m.</summary>
    public const string PeriodKey = "mlnet_lstm.seasonal_period";

    /// <summary>The metadata key of what the layers read (<see cref="SeasonalNetworkInput"/>'s name).</summary>
    public const string InputKey = "mlnet_lstm.seasonal_input";

    /// <summary>The tensor the first recurrent layer reads: <paramref name="windowTnf"/> itself, or its seasonal differences (‖ levels).</summary>
    public static string AddLayerInput(OnnxModelBuilder b, LstmSeasonality seasonality, string windowTnf, int windowSize)
    {
        if (!seasonality.IsOn)
            return windowTnf;
        int m = seasonality.Period;
        string current = Slice(b, windowTnf, new long[] { m }, new long[] { windowSize }, new long[] { 0 }, "seasonal_cur");
        string previous = Slice(b, windowTnf, new long[] { 0 }, new long[] { windowSize - m }, new long[] { 0 }, "seasonal_prev");
        string diff = b.AddNode("Sub", new[] { current, previous }, new[] { "seasonal_diff" });
        return seasonality.Input == SeasonalNetworkInput.LevelsAndDifferences
            ? b.AddNode("Concat", new[] { current, diff }, new[] { "seasonal_input" }, OnnxAttribute.Of("axis", 2L))
            : diff;
    }

    /// <summary>
    /// The seasonal-naive values of the target, <c>[N, h, 1]</c> for a quantile head or <c>[N, h]</c> for a point head,
    /// or null without a period.
    /// </summary>
    public static string? AddNaive(OnnxModelBuilder b, LstmSeasonality seasonality, string windowNtf, int windowSize, int horizon, int targetIndex, bool quantileHead)
    {
        if (!seasonality.IsOn)
            return null;
        long start = windowSize - seasonality.Period;
        string naive = Slice(b, windowNtf, new[] { start, targetIndex }, new[] { start + horizon, targetIndex + 1L }, new long[] { 1, 2 }, "seasonal_naive_nh1");
        if (quantileHead)
            return naive;
        b.AddInt64Vector("seasonal_shape_nh", -1, horizon);
        return b.AddNode("Reshape", new[] { naive, "seasonal_shape_nh" }, new[] { "seasonal_naive" });
    }

    /// <summary>One member's output plus the seasonal-naive values (unchanged when <paramref name="naive"/> is null).</summary>
    public static string AddSkip(OnnxModelBuilder b, string memberOutput, string? naive, string prefix) =>
        naive is null ? memberOutput : b.AddNode("Add", new[] { memberOutput, naive }, new[] { $"{prefix}seasonal_out" });

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
