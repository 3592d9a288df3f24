using Google.Protobuf;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// One step of a composed graph: a step's ONNX model whose graph inputs are column names, and the column each
/// graph output becomes (a graph output missing from <see cref="OutputColumns"/> becomes the column of its own name).
/// </summary>
/// <param name="Name">The step's name in messages and the prefix of its values (e.g. <c>1_NormalizeWindows</c>).</param>
/// <param name="Model">The step's model (its stamp, if any, is ignored).</param>
/// <param name="OutputColumns">Graph output name → column name, for outputs written under a temporary name.</param>
internal sealed record OnnxComposedStep(string Name, ModelProto Model, IReadOnlyDictionary<string, string> OutputColumns);

/// <summary>
/// Composes the graphs of a fitted chain into one graph, the way the chain passes columns: each step reads the
/// columns produced before it (or the composed graph's inputs) by name, and its outputs replace columns of the same
/// name. The values of step <c>i</c> are renamed <c>{step name}/{value}</c>, so that no two steps collide.
/// </summary>
/// <remarks>
/// Only plain graphs are composed: default-domain opset <see cref="OnnxModelBuilder.OpsetVersion"/> (and the
/// <see cref="OnnxModelBuilder.MlDomain"/> opset <see cref="OnnxModelBuilder.MlOpsetVersion"/> of a series-level
/// normalisation's <c>LabelEncoder</c>, imported by the composed graph when a step uses it), no sub-graph attributes. Where a step's declared input rank differs from the value it is wired to (e.g. a normalised window
/// <c>[N, T, F]</c> read by a graph declaring <c>[N, T·F]</c>), a <c>Reshape</c> to the declared shape is inserted.
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
        {
            var copy = node.Clone();
            copy.Name = prefix + node.Name;
            ReplaceAll(copy.Input, Renamed);
            ReplaceAll(copy.Output, Renamed);
            _graph.Node.Add(copy);
        }
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

    private static void CheckComposable(OnnxComposedStep step)
    {
        var model = step.Model;
        bool plainOpset = model.OpsetImport.All(o => (o.Domain.Length == 0 && o.Version == OnnxModelBuilder.OpsetVersion)
            || (o.Domain == OnnxModelBuilder.MlDomain && o.Version == OnnxModelBuilder.MlOpsetVersion));
        bool plainNodes = model.Graph.Node.All(n => (n.Domain.Length == 0 || (n.Domain == OnnxModelBuilder.MlDomain && n.OpType == "LabelEncoder"))
            && n.Attribute.All(a => a.G is null && a.Graphs.Count == 0));
        if (!plainOpset || !plainNodes)
        {
            throw new InvalidOperationException(
                $"Step '{step.Name}' has a graph this composer does not merge (it needs the default-domain opset " +
                $"{OnnxModelBuilder.OpsetVersion} and no sub-graphs); it was not written by this version of MLNet.Lstm.");
        }
    }

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
