namespace MLNet.Lstm.Onnx;

/// <summary>Graph pieces that carry a non-finite input value through to an output as NaN.</summary>
/// <remarks>
/// ONNX Runtime's LSTM (and reductions such as ReduceMin) can turn NaN into finite numbers, so a graph whose output
/// must be NaN for a non-finite input adds a term that is 0 for finite inputs and NaN otherwise: x·0 is 0 for a finite
/// x and NaN for NaN and ±∞, and a sum of such terms is NaN as soon as one of them is (a sum of zeros cannot overflow).
/// </remarks>
internal static class OnnxNonFinite
{
    /// <summary>
    /// Adds <paramref name="name"/> = ReduceSum(<paramref name="x"/> · 0) over <paramref name="axis"/> (dimensions kept):
    /// 0 where every value along the axis is finite, NaN otherwise. Returns its name.
    /// </summary>
    public static string AddZeroOrNaN(OnnxModelBuilder b, string x, long axis, string name)
    {
        string zero = b.AddInitializer(name + "_zero", new[] { 0f }, new long[] { 1 });
        string axes = b.AddInt64Vector(name + "_axes", axis);
        string zeroed = b.AddNode("Mul", new[] { x, zero }, new[] { name + "_zeroed" });
        return b.AddNode("ReduceSum", new[] { zeroed, axes }, new[] { name }, OnnxAttribute.Of("keepdims", 1L));
    }
}
