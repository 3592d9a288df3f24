using Google.Protobuf;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Composes the graphs of a fitted chain into one graph, the way the chain passes columns: each step reads the
/// columns produced before it (or the composed graph's inputs) by name, and its outputs replace columns of the same
/// name. The values of step <c>i</c> are renamed <c>{step name}/{value}</c>, so that no two steps collide.
/// </summary>
/// <remarks>
/// Only plain graphs are composed: default-domain opset <see cref="OnnxModelBuilder.OpsetVersion"/> (and the
/// <see cref="OnnxModelBuilder.MlDomain"/> opset <see cref="OnnxModelBuilder.MlOpsetVersion"/> of a series-level
/// normalisation's <c>LabelEncoder</c>, imported by the composed graph when a step uses it), sub-graphs only as the
/// branches of an <c>If</c> (their names, the outer-scope names they read included, are renamed like the step's). Where
/// a step's declared input rank differs from the value it is wired to (e.g. a normalised window <c>[N, T, F]</c> read
/// by a graph declaring <c>[N, T·F]</c>), a <c>Reshape</c> to the declared shape is inserted.
/// </remarks>
internal sealed class OnnxGraphComposer
{
    private readonly GraphProto _graph;
    private readonly Dictionary<string, ValueInfoProto> _columns = new(StringComparer.Ordinal);

    public OnnxGraphComposer(string graphName)
    {
        _graph = new GraphProto { Name = graphName };
    }

    /// <summary>Declares an input of the composed graph; it becomes the column of the same name.</summary>
    public void AddInput(ValueInfoProto input)
    {
        _graph.Input.Add(input.Clone());
        _columns[input.Name] = input.Clone();
    }

    /// <summary>Whether a column is available to the next step.</summary>
    public bool HasColumn(string column) => _columns.ContainsKey(column);

    /// <summary>Appends a step: its inputs are wired to the current columns, its outputs become columns.</summary>
    public void AddStep(OnnxComposedStep step)
    {
        CheckComposable(step);
        var graph = step.Model.Graph;
        string prefix = step.Name + "/";
        var rename = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var input in graph.Input)
            rename[input.Name] = Wire(step, prefix, input);
        string Renamed(string name) => name.Length == 0 ? name : rename.TryGetValue(name, out var r) ? r : prefix + name;

        foreach (var tensor in graph.Initializer)
        {
            var copy = tensor.Clone();
            copy.Name = Renamed(tensor.Name);
            _graph.Initializer.Add(copy);
        }
        foreach (var node in graph.Node)
            _graph.Node.Add(RenamedNode(node, prefix, Renamed));
        foreach (var info in graph.ValueInfo)
            _graph.ValueInfo.Add(WithName(info, Renamed(info.Name)));
        foreach (var output in graph.Output)
        {
            string column = step.OutputColumns.TryGetValue(output.Name, out var c) ? c : output.Name;
            _columns[column] = WithName(output, Renamed(output.Name));
        }
    }

    /// <summary>Declares a column as an output of the composed graph, under <paramref name="outputName"/>.</summary>
    public void AddOutput(string column, string outputName)
    {
        if (!_columns.TryGetValue(column, out var value))
            throw new InvalidOperationException($"The composed graph '{_graph.Name}' has no column '{column}' to expose as output '{outputName}'.");
        var node = new NodeProto { Name = "output/" + outputName, OpType = "Identity" };
        node.Input.Add(value.Name);
        node.Output.Add(outputName);
        _graph.Node.Add(node);
        _graph.Output.Add(WithName(value, outputName));
    }

    /// <summary>The composed model (not stamped, no metadata).</summary>
    public ModelProto Build(string docString)
    {
        var model = OnnxModelBuilder.NewModel(_graph.Clone(), docString);
        if (_graph.Node.Any(n => n.Domain == OnnxModelBuilder.MlDomain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxModelBuilder.MlDomain, Version = OnnxModelBuilder.MlOpsetVersion });
        return model;
    }

    private string Wire(OnnxComposedStep step, string prefix, ValueInfoProto input)
    {
        if (!_columns.TryGetValue(input.Name, out var source))
        {
            throw new InvalidOperationException(
                $"Step '{step.Name}' reads column '{input.Name}', which no earlier step of the chain produces " +
                $"(available: {string.Join(", ", _columns.Keys.Select(k => $"'{k}'"))}).");
        }
        var from = source.Type.TensorType.Shape.Dim;
        var to = input.Type.TensorType.Shape.Dim;
        if (from.Count == to.Count)
            return source.Name;
        // Reshape to the declared shape; the one symbolic (batch) dimension becomes -1.
        if (to.Count(d => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue) != 1)
            throw new InvalidOperationException($"Step '{step.Name}' declares input '{input.Name}' with a shape that cannot be reshaped to (one symbolic dimension is needed).");
        string shapeName = prefix + input.Name + ".shape";
        var shape = new TensorProto { Name = shapeName, DataType = (int)OnnxElementType.Int64 };
        shape.Dims.Add(to.Count);
        var values = to.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1L).ToArray();
        shape.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(shape);
        var reshape = new NodeProto { Name = prefix + "reshape_" + input.Name, OpType = "Reshape" };
        reshape.Input.Add(new[] { source.Name, shapeName });
        reshape.Output.Add(prefix + input.Name);
        _graph.Node.Add(reshape);
        return prefix + input.Name;
    }

    /// <summary>A copy of <paramref name="node"/> under the step's names, the nodes and outputs of its branches included.</summary>
    private static NodeProto RenamedNode(NodeProto node, string prefix, Func<string, string> renamed)
    {
        var copy = node.Clone();
        copy.Name = prefix + node.Name;
        ReplaceAll(copy.Input, renamed);
        ReplaceAll(copy.Output, renamed);
        foreach (var attribute in copy.Attribute.Where(a => a.G is not null))
        {
            var branch = attribute.G;
            branch.Name = prefix + branch.Name;
            var nodes = branch.Node.Select(n => RenamedNode(n, prefix, renamed)).ToArray();
            branch.Node.Clear();
            branch.Node.Add(nodes);
            foreach (var value in branch.Input.Concat(branch.Output).Concat(branch.ValueInfo))
                value.Name = renamed(value.Name);
            foreach (var tensor in branch.Initializer)
                tensor.Name = renamed(tensor.Name);
        }
        return copy;
    }

    private static void CheckComposable(OnnxComposedStep step)
    {
        var model = step.Model;
        bool plainOpset = model.OpsetImport.All(o => (o.Domain.Length == 0 && o.Version == OnnxModelBuilder.OpsetVersion)
            || (o.Domain == OnnxModelBuilder.MlDomain && o.Version == OnnxModelBuilder.MlOpsetVersion));
        if (!plainOpset || !PlainNodes(model.Graph))
        {
            throw new InvalidOperationException(
                $"Step '{step.Name}' has a graph this composer does not merge (it needs the default-domain opset " +
                $"{OnnxModelBuilder.OpsetVersion} and no sub-graphs but If branches); it was not written by this version of MLNet.Lstm.");
        }
    }

    /// <summary>Whether every node is a default-domain node or a <c>LabelEncoder</c>, with sub-graphs only as <c>If</c> branches (themselves plain).</summary>
    private static bool PlainNodes(GraphProto graph) =>
        graph.Node.All(n => (n.Domain.Length == 0 || (n.Domain == OnnxModelBuilder.MlDomain && n.OpType == "LabelEncoder"))
            && n.Attribute.All(a => a.Graphs.Count == 0 && (a.G is null || (n.OpType == "If" && n.Domain.Length == 0 && PlainNodes(a.G)))));

    private static void ReplaceAll(Google.Protobuf.Collections.RepeatedField<string> names, Func<string, string> rename)
    {
        for (int i = 0; i < names.Count; i++)
            names[i] = rename(names[i]);
    }

    private static ValueInfoProto WithName(ValueInfoProto info, string name)
    {
        var copy = info.Clone();
        copy.Name = name;
        return copy;
    }
}
