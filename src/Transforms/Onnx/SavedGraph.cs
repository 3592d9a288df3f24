using Microsoft.ML.OnnxRuntime;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// One ONNX graph of a saved model zip: its bytes, its metadata (read through ONNX Runtime's
/// <c>ModelMetadata.CustomMetadataMap</c>) and the shapes of its inputs and outputs.
/// </summary>
internal sealed class SavedGraph
{
    private SavedGraph(string folder, string where, byte[] model, SavedGraphMetadata metadata,
        IReadOnlyDictionary<string, int[]> inputs, IReadOnlyDictionary<string, int[]> outputs)
    {
        Folder = folder;
        Where = where;
        Model = model;
        Metadata = metadata;
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The folder of the <c>OnnxTransformer</c> that holds the graph.</summary>
    public string Folder { get; }

    /// <summary>How messages name the graph: <c>entry '...' of model '...'</c>.</summary>
    public string Where { get; }

    /// <summary>The ONNX <c>ModelProto</c> bytes.</summary>
    public byte[] Model { get; }

    /// <summary>The graph's <c>metadata_props</c>.</summary>
    public SavedGraphMetadata Metadata { get; }

    /// <summary>Graph input names and dimensions (-1 for a symbolic dimension).</summary>
    public IReadOnlyDictionary<string, int[]> Inputs { get; }

    /// <summary>Graph output names and dimensions (-1 for a symbolic dimension).</summary>
    public IReadOnlyDictionary<string, int[]> Outputs { get; }

    /// <summary>Whether the graph carries an <see cref="OnnxIntegrity"/> stamp (verified on read).</summary>
    public bool IsStamped => Metadata.Contains(OnnxIntegrity.MetadataKey);

    /// <summary>
    /// Opens the graph in ONNX Runtime (no optimisation: only its metadata and shapes are read) and verifies its
    /// integrity stamp when it has one.
    /// </summary>
    public static SavedGraph Read(string folder, byte[] model, string where)
    {
        IReadOnlyDictionary<string, string> metadata;
        Dictionary<string, int[]> inputs, outputs;
        try
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            using var session = new InferenceSession(model, options);
            metadata = new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
            inputs = session.InputMetadata.ToDictionary(kv => kv.Key, kv => kv.Value.Dimensions.ToArray(), StringComparer.Ordinal);
            outputs = session.OutputMetadata.ToDictionary(kv => kv.Key, kv => kv.Value.Dimensions.ToArray(), StringComparer.Ordinal);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException(
                $"The {where} is not a valid ONNX graph ({e.Message}). The file is damaged: restore it from a good copy, or save the model again.", e);
        }
        if (metadata.ContainsKey(OnnxIntegrity.MetadataKey))
            OnnxIntegrity.Verify(model, where);
        return new SavedGraph(folder, where, model, new SavedGraphMetadata(metadata, where), inputs, outputs);
    }

    /// <summary>Checks that the graph has input (or output) <paramref name="name"/> of shape <c>[N, dims...]</c>.</summary>
    public void RequireShape(bool input, string name, params int[] dims)
    {
        var table = input ? Inputs : Outputs;
        string kind = input ? "input" : "output";
        string expected = "[N" + string.Concat(dims.Select(d => ", " + d)) + "]";
        if (!table.TryGetValue(name, out var actual))
        {
            throw Metadata.Error(
                $"has no graph {kind} '{name}' (expected {expected} from its metadata); its {kind}s are {string.Join(", ", table.Keys.Select(k => $"'{k}'"))}");
        }
        if (actual.Length != dims.Length + 1 || !actual.Skip(1).SequenceEqual(dims))
        {
            throw Metadata.Error(
                $"has graph {kind} '{name}' of shape [{string.Join(", ", actual.Select(d => d < 0 ? "N" : d.ToString()))}], but its metadata describes {expected}");
        }
    }
}
