using Google.Protobuf;

namespace MLNet.Lstm.Onnx;

/// <summary>ONNX tensor element types used by our graphs (values are ONNX's <c>TensorProto.DataType</c>).</summary>
internal enum OnnxElementType
{
    Float = 1,
    Int32 = 6,
    Int64 = 7,
}

/// <summary>
/// One dimension of a graph input or output: a fixed size, or a symbolic name such as the batch dimension <c>N</c>.
/// </summary>
internal readonly record struct OnnxDim(long Value, string? Symbol)
{
    /// <summary>The symbolic batch dimension used by every graph of this project.</summary>
    public static readonly OnnxDim Batch = new(0, "N");

    public static implicit operator OnnxDim(long value) => new(value, null);
}

/// <summary>A node attribute: exactly one of the value fields is used, chosen by <see cref="Kind"/>.</summary>
internal sealed class OnnxAttribute
{
    private OnnxAttribute(string name, int kind)
    {
        Name = name;
        Kind = kind;
    }

    public string Name { get; }

    /// <summary>ONNX <c>AttributeProto.AttributeType</c>: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7, STRINGS 8.</summary>
    public int Kind { get; }

    public float Float { get; private init; }
    public long Int { get; private init; }
    public string? String { get; private init; }
    public float[]? Floats { get; private init; }
    public long[]? Ints { get; private init; }
    public string[]? Strings { get; private init; }

    public static OnnxAttribute Of(string name, float value) => new(name, 1) { Float = value };
    public static OnnxAttribute Of(string name, long value) => new(name, 2) { Int = value };
    public static OnnxAttribute Of(string name, string value) => new(name, 3) { String = value };
    public static OnnxAttribute Of(string name, float[] values) => new(name, 6) { Floats = values };
    public static OnnxAttribute Of(string name, long[] values) => new(name, 7) { Ints = values };
    public static OnnxAttribute Of(string name, string[] values) => new(name, 8) { Strings = values };
}

/// <summary>
/// Writes an ONNX <c>ModelProto</c> with Google.Protobuf's wire API, from the public field numbers of
/// <c>onnx.proto</c>. Only what our graphs need is supported: float/int tensors, value infos with fixed or
/// symbolic dimensions, nodes with scalar and list attributes, and model metadata.
/// </summary>
/// <remarks>
/// Conventions (see docs/design.md): <c>ir_version</c> 8, default-domain opset 17, producer <c>MLNet.Lstm</c>.
/// Names must be unique within a graph: <see cref="AddInitializer(string, float[], long[])"/> and
/// <see cref="AddNode"/> check this so that a wrong graph fails here, not inside ONNX Runtime.
/// </remarks>
internal sealed class OnnxModelBuilder
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;

    private readonly string _graphName;
    private readonly List<ValueInfo> _inputs = new();
    private readonly List<ValueInfo> _outputs = new();
    private readonly List<Tensor> _initializers = new();
    private readonly List<Node> _nodes = new();
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly HashSet<string> _definedNames = new(StringComparer.Ordinal);
    private int _nodeCounter;

    public OnnxModelBuilder(string graphName)
    {
        _graphName = graphName;
    }

    /// <summary>Adds a graph input.</summary>
    public string AddInput(string name, OnnxElementType type, params OnnxDim[] shape)
    {
        Define(name);
        _inputs.Add(new ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Declares an existing value (produced by a node) as a graph output.</summary>
    public string AddOutput(string name, OnnxElementType type, params OnnxDim[] shape)
    {
        _outputs.Add(new ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Adds a float constant tensor.</summary>
    public string AddInitializer(string name, float[] values, long[] dims)
    {
        CheckSize(name, values.Length, dims);
        Define(name);
        _initializers.Add(new Tensor(name, OnnxElementType.Float, dims, values, null));
        return name;
    }

    /// <summary>Adds an int64 constant tensor (shapes, axes, indices).</summary>
    public string AddInitializer(string name, long[] values, long[] dims)
    {
        CheckSize(name, values.Length, dims);
        Define(name);
        _initializers.Add(new Tensor(name, OnnxElementType.Int64, dims, null, values));
        return name;
    }

    /// <summary>Adds an int64 1-D constant, the usual form of shapes and axes.</summary>
    public string AddInt64Vector(string name, params long[] values) => AddInitializer(name, values, new long[] { values.Length });

    /// <summary>
    /// Adds a node; its outputs become defined names. An empty output name skips an optional output (ONNX's
    /// convention, e.g. LSTM's <c>Y</c> when only <c>Y_h</c> is needed). Returns the first output's name.
    /// </summary>
    public string AddNode(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        foreach (var output in outputs)
        {
            if (output.Length > 0)
                Define(output);
        }
        _nodes.Add(new Node($"{opType}_{_nodeCounter++}", opType, inputs, outputs, attributes));
        return outputs[0];
    }

    /// <summary>Adds a model metadata entry (<c>metadata_props</c>).</summary>
    public void SetMetadata(string key, string value) => _metadata[key] = value;

    /// <summary>Serialises the model, stamped with its SHA-256 (<see cref="OnnxIntegrity"/>).</summary>
    public byte[] Build(string docString = "")
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        WriteInt64(output, 1, IrVersion);
        WriteString(output, 2, "MLNet.Lstm");
        WriteString(output, 3, typeof(OnnxModelBuilder).Assembly.GetName().Version?.ToString() ?? "0");
        WriteString(output, 4, "mlnet.lstm");
        WriteInt64(output, 5, 1);
        if (docString.Length > 0)
            WriteString(output, 6, docString);
        WriteMessage(output, 7, WriteGraph);
        WriteMessage(output, 8, opset =>
        {
            WriteString(opset, 1, "");
            WriteInt64(opset, 2, OpsetVersion);
        });
        foreach (var (key, value) in _metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            WriteMessage(output, 14, entry =>
            {
                WriteString(entry, 1, key);
                WriteString(entry, 2, value);
            });
        }
        output.Flush();
        return OnnxIntegrity.Stamp(buffer.ToArray());
    }

    private void WriteGraph(CodedOutputStream graph)
    {
        foreach (var node in _nodes)
            WriteMessage(graph, 1, n => WriteNode(n, node));
        WriteString(graph, 2, _graphName);
        // Initializers no node reads are left out (ONNX Runtime would warn about each one on every session).
        var used = new HashSet<string>(_nodes.SelectMany(n => n.Inputs).Concat(_outputs.Select(o => o.Name)), StringComparer.Ordinal);
        foreach (var tensor in _initializers.Where(t => used.Contains(t.Name)))
            WriteMessage(graph, 5, t => WriteTensor(t, tensor));
        foreach (var input in _inputs)
            WriteMessage(graph, 11, v => WriteValueInfo(v, input));
        foreach (var outputInfo in _outputs)
            WriteMessage(graph, 12, v => WriteValueInfo(v, outputInfo));
    }

    private static void WriteNode(CodedOutputStream output, Node node)
    {
        foreach (var input in node.Inputs)
            WriteString(output, 1, input);
        foreach (var o in node.Outputs)
            WriteString(output, 2, o);
        WriteString(output, 3, node.Name);
        WriteString(output, 4, node.OpType);
        foreach (var attribute in node.Attributes)
            WriteMessage(output, 5, a => WriteAttribute(a, attribute));
    }

    private static void WriteAttribute(CodedOutputStream output, OnnxAttribute attribute)
    {
        WriteString(output, 1, attribute.Name);
        switch (attribute.Kind)
        {
            case 1:
                output.WriteTag(2, WireFormat.WireType.Fixed32);
                output.WriteFloat(attribute.Float);
                break;
            case 2:
                WriteInt64(output, 3, attribute.Int);
                break;
            case 3:
                output.WriteTag(4, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFromUtf8(attribute.String!));
                break;
            case 6:
                foreach (var f in attribute.Floats!)
                {
                    output.WriteTag(7, WireFormat.WireType.Fixed32);
                    output.WriteFloat(f);
                }
                break;
            case 7:
                foreach (var i in attribute.Ints!)
                    WriteInt64(output, 8, i);
                break;
            case 8:
                foreach (var s in attribute.Strings!)
                {
                    output.WriteTag(9, WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(ByteString.CopyFromUtf8(s));
                }
                break;
        }
        WriteInt64(output, 20, attribute.Kind);
    }

    private static void WriteTensor(CodedOutputStream output, Tensor tensor)
    {
        foreach (var dim in tensor.Dims)
            WriteInt64(output, 1, dim);
        WriteInt64(output, 2, (long)tensor.Type);
        WriteString(output, 8, tensor.Name);
        // raw_data (field 9): little-endian bytes, the compact form ONNX Runtime reads directly.
        byte[] raw = tensor.Floats is not null
            ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Floats.AsSpan()).ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Ints!.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Writing ONNX tensors requires a little-endian machine.");
        output.WriteTag(9, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(raw));
    }

    private static void WriteValueInfo(CodedOutputStream output, ValueInfo info)
    {
        WriteString(output, 1, info.Name);
        WriteMessage(output, 2, type =>
            WriteMessage(type, 1, tensorType =>
            {
                WriteInt64(tensorType, 1, (long)info.Type);
                WriteMessage(tensorType, 2, shape =>
                {
                    foreach (var dim in info.Shape)
                    {
                        WriteMessage(shape, 1, d =>
                        {
                            if (dim.Symbol is not null)
                                WriteString(d, 2, dim.Symbol);
                            else
                                WriteInt64(d, 1, dim.Value);
                        });
                    }
                });
            }));
    }

    private static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    private static void WriteString(CodedOutputStream output, int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> body)
    {
        using var buffer = new MemoryStream();
        var inner = new CodedOutputStream(buffer);
        body(inner);
        inner.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    private void Define(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException("An ONNX value name must not be empty.", nameof(name));
        if (!_definedNames.Add(name))
            throw new InvalidOperationException($"The ONNX graph '{_graphName}' already defines a value named '{name}'.");
    }

    private static void CheckSize(string name, int length, long[] dims)
    {
        long expected = 1;
        foreach (var d in dims)
            expected *= d;
        if (expected != length)
            throw new ArgumentException(
                $"Initializer '{name}' has {length} values but its dimensions [{string.Join(", ", dims)}] need {expected}.");
    }

    private sealed record ValueInfo(string Name, OnnxElementType Type, OnnxDim[] Shape);

    private sealed record Tensor(string Name, OnnxElementType Type, long[] Dims, float[]? Floats, long[]? Ints);

    private sealed record Node(string Name, string OpType, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);
}
