using Google.Protobuf;
using System.Runtime.InteropServices;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Writes an ONNX <c>ModelProto</c> through the typed ONNX messages (OnnxSharp's <c>Onnx.*Proto</c> classes on
/// Google.Protobuf). Only what our graphs need is exposed: float/int tensors, value infos with fixed or symbolic
/// dimensions, nodes with scalar, list and sub-graph attributes (<see cref="Branch"/>), and model metadata.
/// </summary>
/// <remarks>
/// Conventions (see docs/design.md): <c>ir_version</c> 8, default-domain opset 17, producer <c>MLNet.Lstm</c>.
/// Names must be unique within a graph: <see cref="AddInitializer(string, float[], long[])"/> and
/// <see cref="AddNode(string, string[], string[], OnnxAttribute[])"/> check this so that a wrong graph fails here, not inside ONNX Runtime. Every built model
/// carries the integrity stamp of <see cref="OnnxIntegrity"/>.
/// </remarks>
internal sealed class OnnxModelBuilder
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;
    public const string ProducerName = "MLNet.Lstm";

    /// <summary>The ONNX-ML operator domain (<c>LabelEncoder</c>); imported only by graphs that use it.</summary>
    public const string MlDomain = "ai.onnx.ml";

    /// <summary>The <see cref="MlDomain"/> opset imported by graphs with ONNX-ML nodes (<c>LabelEncoder</c> version 2).</summary>
    public const long MlOpsetVersion = 2;

    private readonly GraphProto _graph;
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private readonly NameScope _names;
    private readonly bool _isBranch;

    public OnnxModelBuilder(string graphName)
        : this(graphName, new NameScope(), isBranch: false)
    {
    }

    private OnnxModelBuilder(string graphName, NameScope names, bool isBranch)
    {
        _graph = new GraphProto { Name = graphName };
        _names = names;
        _isBranch = isBranch;
    }

    /// <summary>The value names defined so far and the node counter, shared by a graph and its branches.</summary>
    private sealed class NameScope
    {
        public HashSet<string> Defined { get; } = new(StringComparer.Ordinal);

        public int NodeCount { get; set; }
    }

    /// <summary>
    /// A builder for a sub-graph of this graph (an <c>If</c> branch, see <see cref="BuildBranch"/>): its nodes read this
    /// graph's inputs, initializers and values by name (outer scope), and its names are checked against this graph's,
    /// so that every name stays unique across both. A branch holds nodes and outputs only: its constants are this
    /// graph's initializers (where readers of the model find them).
    /// </summary>
    public OnnxModelBuilder Branch(string graphName) => new(graphName, _names, isBranch: true);

    /// <summary>The sub-graph built by a <see cref="Branch"/> builder, for <see cref="OnnxAttribute.Of(string, GraphProto)"/>.</summary>
    public GraphProto BuildBranch()
    {
        if (!_isBranch)
            throw new InvalidOperationException($"The ONNX graph '{_graph.Name}' is a main graph; build it with Build or BuildModel.");
        return _graph.Clone();
    }

    /// <summary>Adds a graph input.</summary>
    public string AddInput(string name, OnnxElementType type, params OnnxDim[] shape)
    {
        CheckMainGraph(name);
        Define(name);
        _graph.Input.Add(ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Declares an existing value (produced by a node) as a graph output.</summary>
    public string AddOutput(string name, OnnxElementType type, params OnnxDim[] shape)
    {
        _graph.Output.Add(ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Adds a float constant tensor.</summary>
    public string AddInitializer(string name, float[] values, long[] dims) =>
        AddTensor(name, OnnxElementType.Float, dims, values.Length, MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>Adds an int64 constant tensor (shapes, axes, indices).</summary>
    public string AddInitializer(string name, long[] values, long[] dims) =>
        AddTensor(name, OnnxElementType.Int64, dims, values.Length, MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>Adds an int64 1-D constant, the usual form of shapes and axes.</summary>
    public string AddInt64Vector(string name, params long[] values) => AddInitializer(name, values, new long[] { values.Length });

    /// <summary>
    /// Adds a node; its outputs become defined names. An empty output name skips an optional output (ONNX's
    /// convention, e.g. LSTM's <c>Y</c> when only <c>Y_h</c> is needed). Returns the first output's name.
    /// </summary>
    public string AddNode(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
        => AddNode("", opType, inputs, outputs, attributes);

    /// <summary>Adds a node of operator domain <paramref name="domain"/> (<c>""</c> or <see cref="MlDomain"/>).</summary>
    public string AddNode(string domain, string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        foreach (var output in outputs)
        {
            if (output.Length > 0)
                Define(output);
        }
        var node = new NodeProto { Name = $"{opType}_{_names.NodeCount++}", OpType = opType, Domain = domain };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes.Select(a => a.ToProto()));
        _graph.Node.Add(node);
        return outputs[0];
    }

    /// <summary>Adds a model metadata entry (<c>metadata_props</c>).</summary>
    public void SetMetadata(string key, string value) => _metadata[key] = value;

    /// <summary>Serialises the model, stamped with its SHA-256 (<see cref="OnnxIntegrity"/>).</summary>
    public byte[] Build(string docString = "") => OnnxIntegrity.Stamp(BuildModel(docString));

    /// <summary>
    /// The typed model, not yet stamped (for composition into a larger graph). Metadata entries are in ordinal key
    /// order; initializers that no node or output reads are left out (ONNX Runtime would warn about each one on
    /// every session).
    /// </summary>
    public ModelProto BuildModel(string docString = "")
    {
        if (_isBranch)
            throw new InvalidOperationException($"The ONNX graph '{_graph.Name}' is a branch; build it with BuildBranch.");
        var graph = _graph.Clone();
        var used = new HashSet<string>(ReadNames(graph), StringComparer.Ordinal);
        for (int i = graph.Initializer.Count - 1; i >= 0; i--)
        {
            if (!used.Contains(graph.Initializer[i].Name))
                graph.Initializer.RemoveAt(i);
        }
        var model = NewModel(graph, docString);
        if (graph.Node.Any(n => n.Domain == MlDomain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MlDomain, Version = MlOpsetVersion });
        foreach (var (key, value) in _metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>A model around <paramref name="graph"/> with this project's IR version, opset and producer.</summary>
    public static ModelProto NewModel(GraphProto graph, string docString = "")
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxModelBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            Domain = "mlnet.lstm",
            ModelVersion = 1,
            DocString = docString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model;
    }

    /// <summary>The names that a graph's nodes (those of its sub-graphs included) and outputs read.</summary>
    private static IEnumerable<string> ReadNames(GraphProto graph) =>
        graph.Node.SelectMany(n => n.Input.Concat(n.Attribute.Where(a => a.G is not null).SelectMany(a => ReadNames(a.G))))
            .Concat(graph.Output.Select(o => o.Name));

    private string AddTensor(string name, OnnxElementType type, long[] dims, int length, ReadOnlySpan<byte> littleEndian)
    {
        CheckMainGraph(name);
        CheckSize(name, length, dims);
        Define(name);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Writing ONNX tensors requires a little-endian machine.");
        // raw_data: little-endian bytes, the compact form ONNX Runtime reads directly.
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(littleEndian) };
        tensor.Dims.Add(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, OnnxElementType type, OnnxDim[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
        {
            tensorShape.Dim.Add(dim.Symbol is not null
                ? new TensorShapeProto.Types.Dimension { DimParam = dim.Symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = dim.Value });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }

    private void Define(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException("An ONNX value name must not be empty.", nameof(name));
        if (!_names.Defined.Add(name))
            throw new InvalidOperationException($"The ONNX graph '{_graph.Name}' already defines a value named '{name}'.");
    }

    private void CheckMainGraph(string name)
    {
        if (_isBranch)
            throw new InvalidOperationException($"'{name}' cannot be added to the branch '{_graph.Name}': inputs and initializers belong to the main graph, which the branch reads by name.");
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
}
