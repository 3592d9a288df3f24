namespace MLNet.Lstm.Onnx;

/// <summary>
/// One dimension of a graph input or output: a fixed size, or a symbolic name such as the batch dimension <c>N</c>.
/// </summary>
internal readonly record struct OnnxDim(long Value, string? Symbol)
{
    /// <summary>The symbolic batch dimension used by every graph of this project.</summary>
    public static readonly OnnxDim Batch = new(0, "N");

    public static implicit operator OnnxDim(long value) => new(value, null);
}
