using Google.Protobuf;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>A node attribute (an ONNX <c>AttributeProto</c> of one of the kinds our graphs use, sub-graphs included).</summary>
internal sealed class OnnxAttribute
{
    private readonly AttributeProto _proto;

    private OnnxAttribute(string name, AttributeProto.Types.AttributeType type, Action<AttributeProto> value)
    {
        _proto = new AttributeProto { Name = name, Type = type };
        value(_proto);
    }

    public string Name => _proto.Name;

    public static OnnxAttribute Of(string name, float value) => new(name, AttributeProto.Types.AttributeType.Float, a => a.F = value);
    public static OnnxAttribute Of(string name, long value) => new(name, AttributeProto.Types.AttributeType.Int, a => a.I = value);
    public static OnnxAttribute Of(string name, string value) => new(name, AttributeProto.Types.AttributeType.String, a => a.S = ByteString.CopyFromUtf8(value));
    public static OnnxAttribute Of(string name, float[] values) => new(name, AttributeProto.Types.AttributeType.Floats, a => a.Floats.Add(values));
    public static OnnxAttribute Of(string name, long[] values) => new(name, AttributeProto.Types.AttributeType.Ints, a => a.Ints.Add(values));
    public static OnnxAttribute Of(string name, string[] values) => new(name, AttributeProto.Types.AttributeType.Strings, a => a.Strings.Add(values.Select(ByteString.CopyFromUtf8)));

    /// <summary>A sub-graph attribute (an <c>If</c> node's <c>then_branch</c> / <c>else_branch</c>), from <see cref="OnnxModelBuilder.BuildBranch"/>.</summary>
    public static OnnxAttribute Of(string name, GraphProto graph) => new(name, AttributeProto.Types.AttributeType.Graph, a => a.G = graph.Clone());

    /// <summary>A copy of the attribute's message, for a node.</summary>
    internal AttributeProto ToProto() => _proto.Clone();
}
