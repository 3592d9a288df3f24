using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Internal;

/// <summary>
/// Saves one of our window transformers as ML.NET built-ins: an <c>OnnxTransformer</c> over the graph we wrote, whose
/// main output, produced under a temporary name (an ONNX graph cannot use one name as input and output), is copied to
/// its real column name and the temporary column dropped. The zip then reloads with stock <c>mlContext.Model.Load</c>.
/// </summary>
internal static class PersistedOnnxForm
{
    /// <param name="ctx">The save context handed to the transformer's <c>Save</c>.</param>
    /// <param name="onnxModel">The graph, whose first input is <paramref name="inputColumn"/>.</param>
    /// <param name="inputColumn">The input column: a <c>Vector&lt;Single&gt;</c> of <paramref name="inputSize"/>.</param>
    /// <param name="inputSize">The input column's vector size.</param>
    /// <param name="outputs">The graph outputs to expose; the first is <paramref name="temporaryOutput"/>.</param>
    /// <param name="temporaryOutput">The graph's name for the main output.</param>
    /// <param name="finalOutput">The column name the main output gets.</param>
    /// <param name="scalarInputs">Further graph inputs read from scalar columns (name and column type), e.g. a series key.</param>
    public static void Save(ModelSaveContext ctx, byte[] onnxModel, string inputColumn, int inputSize,
        string[] outputs, string temporaryOutput, string finalOutput, IReadOnlyList<(string Name, DataViewType Type)>? scalarInputs = null)
    {
        var ml = new MLContext();
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(inputColumn, new VectorDataViewType(NumberDataViewType.Single, inputSize));
        scalarInputs ??= Array.Empty<(string, DataViewType)>();
        foreach (var (name, type) in scalarInputs)
            schema.AddColumn(name, type);
        var inputs = new[] { inputColumn }.Concat(scalarInputs.Select(i => i.Name)).ToArray();
        using var stream = new MemoryStream(onnxModel);
        // The chain owns an ONNX Runtime session and ML.NET's temporary copy of the model: release them once saved.
        using var chain = ml.Transforms.ApplyOnnxModel(outputs, inputs, stream)
            .Append(ml.Transforms.CopyColumns(finalOutput, temporaryOutput))
            .Append(ml.Transforms.DropColumns(temporaryOutput))
            .Fit(new EmptyDataView(schema.ToSchema()));
        ((ICanSaveModel)chain).Save(ctx);
    }
}
