using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace MLNet.Lstm;

/// <summary>
/// A fitted LSTM forecaster. It scores through ML.NET's <see cref="OnnxTransformer"/> over the ONNX graph written
/// at the end of training, and saves as that <see cref="OnnxTransformer"/>, so a zip written by
/// <c>mlContext.Model.Save</c> reloads with stock <c>mlContext.Model.Load</c> (no reference to this assembly
/// needed) and scores identically.
/// </summary>
/// <remarks>
/// Output column <c>Score</c>: <c>Vector&lt;Single&gt;</c> of h values (size 1 for horizon 1; ML.NET's
/// OnnxTransformer cannot produce scalar columns), in the label's units (de-normalised inside the graph when the
/// window was normalised). The training history, best epoch, architecture summary and settings are properties of
/// this object only; they are not part of a saved zip.
/// </remarks>
public sealed class LstmForecastingTransformer : ITransformer, IDisposable
{
    private readonly byte[] _onnxModel;
    private readonly OnnxTransformer _onnx;

    internal LstmForecastingTransformer(
        byte[] onnxModel,
        LstmNetworkWeights weights,
        LstmScoringLayout layout,
        IReadOnlyList<LstmEpochResult> history,
        int bestEpoch,
        LstmTrainingSettings settings,
        IDataView schemaSource,
        int? gpuDeviceId = null,
        bool fallbackToCpu = true)
    {
        _onnxModel = onnxModel;
        Weights = weights;
        Layout = layout;
        History = history.ToArray();
        BestEpoch = bestEpoch;
        Settings = settings;
        Summary = new LstmModelSummary(weights.WindowSize, weights.FeatureCount, weights.Horizon, weights.HiddenSizes, settings.Dropout);
        using var stream = new MemoryStream(onnxModel, writable: false);
        _onnx = new MLContext().Transforms
            .ApplyOnnxModel(new[] { layout.ScoreColumnName }, layout.InputColumnNames, stream, gpuDeviceId, fallbackToCpu)
            .Fit(schemaSource);
    }

    /// <summary>Per-epoch losses and durations, in training order (continuing a resumed checkpoint's numbering).</summary>
    public IReadOnlyList<LstmEpochResult> History { get; }

    /// <summary>
    /// The epoch whose weights the model holds when best weights were restored (lowest validation loss, or training
    /// loss without validation); otherwise the last epoch.
    /// </summary>
    public int BestEpoch { get; }

    /// <summary>The network's layers, output shapes and parameter counts.</summary>
    public LstmModelSummary Summary { get; }

    /// <summary>The settings the model was trained with.</summary>
    public LstmTrainingSettings Settings { get; }

    /// <summary>The name of the output column (<c>Score</c>).</summary>
    public string ScoreColumnName => Layout.ScoreColumnName;

    /// <summary>The names of the columns the ONNX graph reads (the window, and the shift/scale columns when normalised).</summary>
    public IReadOnlyList<string> InputColumnNames => Layout.InputColumnNames;

    internal LstmNetworkWeights Weights { get; }

    internal LstmScoringLayout Layout { get; }

    /// <summary>The inner ML.NET transformer that scores and saves the model.</summary>
    internal OnnxTransformer OnnxTransformer => _onnx;

    /// <summary>Always <see langword="true"/>: scoring is a row-to-row map.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>Writes the ONNX model (see docs/trainer.md for its inputs, outputs and metadata).</summary>
    /// <param name="stream">A writable stream; it is not closed.</param>
    public void ExportOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(_onnxModel, 0, _onnxModel.Length);
    }

    /// <summary>Returns a copy of the ONNX model bytes.</summary>
    public byte[] GetOnnxModel() => (byte[])_onnxModel.Clone();

    /// <summary>The schema after scoring: the input columns plus <c>Score</c>.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _onnx.GetOutputSchema(inputSchema);

    /// <summary>A row-to-row mapper that scores one row at a time (used by prediction engines).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => ((ITransformer)_onnx).GetRowToRowMapper(inputSchema);

    /// <summary>Scores <paramref name="input"/>: adds the <c>Score</c> column.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return CreateScoredView(input);
    }

    /// <summary>Saves the model as ML.NET's <see cref="OnnxTransformer"/> holding this model's ONNX graph.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_onnx).Save(ctx);

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _onnx.Dispose();

    // The single place that creates the scored view. A batched ONNX Runtime scorer can replace the row-by-row
    // OnnxTransformer here; GetRowToRowMapper and Save keep using the OnnxTransformer.
    private IDataView CreateScoredView(IDataView input) => _onnx.Transform(input);
}
