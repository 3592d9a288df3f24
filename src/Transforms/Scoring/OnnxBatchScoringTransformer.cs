using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Scoring;

/// <summary>
/// A minimal <see cref="ITransformer"/> over an <see cref="OnnxBatchScorer"/>: batched <see cref="Transform"/>,
/// single-row mapping for <c>PredictionEngine</c>. It is not persistable on its own (<c>Save</c> throws): the
/// fitted components that use the scorer save themselves as stock ML.NET transformers (see docs/design.md).
/// </summary>
internal sealed class OnnxBatchScoringTransformer : ITransformer, IDisposable
{
    public OnnxBatchScoringTransformer(OnnxBatchScorer scorer)
    {
        Scorer = scorer;
    }

    public OnnxBatchScorer Scorer { get; }

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Scorer.GetOutputSchema(inputSchema);

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Scorer.GetRowToRowMapper(inputSchema);

    public IDataView Transform(IDataView input) => Scorer.Transform(input);

    void ICanSaveModel.Save(ModelSaveContext ctx)
        => throw new NotSupportedException("OnnxBatchScoringTransformer is a scoring helper; save the component that owns the ONNX graph.");

    public void Dispose() => Scorer.Dispose();
}
