using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;
using Microsoft.ML.Transforms.Onnx;
using MLNet.Lstm.Scoring;

namespace MLNet.Lstm;

/// <summary>
/// A fitted LSTM forecaster. It scores the ONNX graph written at the end of training with a batched ONNX Runtime
/// scorer (one session per transformer, shared by every cursor and prediction engine), and saves as ML.NET's
/// <see cref="OnnxTransformer"/> over the same graph, so a zip written by <c>mlContext.Model.Save</c> reloads with
/// stock <c>mlContext.Model.Load</c> (no reference to this assembly needed), with the same output schema and the
/// same scores.
/// </summary>
/// <remarks>
/// Output column <c>Score</c>: <c>Vector&lt;Single&gt;</c> of h values (size 1 for horizon 1; ML.NET's
/// OnnxTransformer cannot produce scalar columns), typed exactly as the stock OnnxTransformer types it (for
/// example <c>Vector&lt;Single, 1&gt;</c> for horizon 1, <c>Vector&lt;Single, 1, 3&gt;</c> for horizon 3), in the
/// label's units (de-normalised inside the graph when the window was normalised). Quantile and conformal models
/// also output <c>LowerBound</c> and <c>UpperBound</c> (typed like <c>Score</c>) and, for quantile models,
/// <c>Quantiles</c> (<c>Vector&lt;Single, 1, h, q&gt;</c>, quantile-minor), all in label units. The training history, best
/// epoch, architecture summary and settings are properties of this object only; they are not part of a saved zip.
/// A model loaded with <c>mlContext.Forecasting.LoadModel</c> holds the saved graph and the weights read back from it
/// (so <see cref="Summary"/> works, without dropout layers, and it can warm-start a fit), an empty
/// <see cref="History"/>, <see cref="BestEpoch"/> 0 and <see cref="Settings"/> with only what the graph records.
/// </remarks>
public sealed class LstmForecastingTransformer : ITransformer, IDisposable
{
    private readonly byte[] _onnxModel;
    private readonly OnnxBatchScorer _scorer;
    private readonly DataViewSchema _trainingSchema;

    internal LstmForecastingTransformer(
        byte[] onnxModel,
        LstmNetworkWeights weights,
        LstmScoringLayout layout,
        IReadOnlyList<LstmEpochResult> history,
        int bestEpoch,
        LstmTrainingSettings settings,
        IDataView schemaSource,
        OnnxScoringOptions? scoring = null)
    {
        _onnxModel = onnxModel;
        Weights = weights;
        Layout = layout;
        History = history.ToArray();
        BestEpoch = bestEpoch;
        Settings = settings;
        Summary = new LstmModelSummary(weights.WindowSize, weights.FeatureCount, weights.Horizon, weights.HiddenSizes, settings.Dropout,
            weights.Cell, weights.FutureSize, weights.Seasonality);
        _trainingSchema = schemaSource.Schema;
        _scorer = new OnnxBatchScorer(onnxModel, new BatchScorerOptions
        {
            InputColumnNames = layout.InputColumnNames,
            GraphOutputNames = OutputColumnNamesOf(layout, weights.Interval),
            StockOutputTypes = true, // the schema must not change across Model.Save / Model.Load
            Device = scoring ?? new OnnxScoringOptions(),
        });
        try
        {
            _scorer.BindInputColumns(_trainingSchema);
        }
        catch
        {
            _scorer.Dispose();
            throw;
        }
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
    public LstmTrainingSettings Settings { get; internal set; }

    /// <summary>The name of the output column (<c>Score</c>).</summary>
    public string ScoreColumnName => Layout.ScoreColumnName;

    /// <summary>
    /// The nominal level of the <c>[LowerBound, UpperBound]</c> band (the conformal level, or the highest minus the
    /// lowest quantile level), or null for a model without bounds. Pass it to
    /// <c>ForecastingEvaluator.Options.IntervalLevel</c> / <c>BacktestOptions.IntervalLevel</c>.
    /// </summary>
    public double? IntervalLevel => Weights.Interval.IntervalLevel;

    /// <summary>The quantile levels of a quantile model (0.5 included; the <c>Quantiles</c> column's order), or null.</summary>
    public IReadOnlyList<float>? QuantileLevels => Weights.Interval.QuantileLevels?.ToArray();

    /// <summary>The conformal widths per step in the network's (normalised) units, or null without <c>ConformalLevel</c>.</summary>
    public IReadOnlyList<float>? ConformalWidths => Weights.Interval.ConformalWidths?.ToArray();

    /// <summary>The output columns: <c>Score</c>, then <c>LowerBound</c>, <c>UpperBound</c> (and <c>Quantiles</c>) when the model has them.</summary>
    public IReadOnlyList<string> OutputColumnNames => OutputColumnNamesOf(Layout, Weights.Interval);

    /// <summary>The names of the columns the ONNX graph reads (the window, the shift/scale columns when normalised, and the future covariate column when the model has one).</summary>
    public IReadOnlyList<string> InputColumnNames => Layout.InputColumnNames;

    internal LstmNetworkWeights Weights { get; }

    private static string[] OutputColumnNamesOf(LstmScoringLayout layout, LstmIntervalHead interval) =>
        !interval.HasBounds ? new[] { layout.ScoreColumnName }
        : interval.QuantileLevels is null ? new[] { layout.ScoreColumnName, LstmScoringLayout.LowerBoundColumnName, LstmScoringLayout.UpperBoundColumnName }
        : new[] { layout.ScoreColumnName, LstmScoringLayout.LowerBoundColumnName, LstmScoringLayout.UpperBoundColumnName, LstmScoringLayout.QuantilesColumnName };

    internal LstmScoringLayout Layout { get; }

    /// <summary>The batched scorer behind <see cref="Transform"/> and <see cref="GetRowToRowMapper"/>.</summary>
    internal OnnxBatchScorer Scorer => _scorer;

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

    /// <summary>The schema after scoring: the input columns plus <c>Score</c>, typed as the stock OnnxTransformer types it.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        WindowNormalizationCheck.Require(inputSchema, Layout.FeatureColumnName, Layout.NormalizationMode, "The LSTM forecaster");
        return _scorer.GetOutputSchema(inputSchema);
    }

    /// <summary>A row-to-row mapper that scores one row per ONNX Runtime call (used by prediction engines); thread-safe across mappers.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        WindowNormalizationCheck.Require(inputSchema, Layout.FeatureColumnName, Layout.NormalizationMode, "The LSTM forecaster");
        return _scorer.GetRowToRowMapper(inputSchema);
    }

    /// <summary>Scores <paramref name="input"/> lazily, in batches: adds the <c>Score</c> column.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        WindowNormalizationCheck.Require(input.Schema, Layout.FeatureColumnName, Layout.NormalizationMode, "The LSTM forecaster");
        return _scorer.Transform(input);
    }

    /// <summary>
    /// Saves the model as ML.NET's <see cref="OnnxTransformer"/> holding this model's ONNX graph (created for the
    /// save and released after it).
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        using var stream = new MemoryStream(_onnxModel, writable: false);
        using var onnx = new MLContext().Transforms
            .ApplyOnnxModel(OutputColumnNamesOf(Layout, Weights.Interval), Layout.InputColumnNames, stream)
            .Fit(new EmptyDataView(_trainingSchema));
        ((ICanSaveModel)onnx).Save(ctx);
    }

    /// <summary>Releases the ONNX Runtime session. Views returned by <see cref="Transform"/> cannot be read afterwards.</summary>
    public void Dispose() => _scorer.Dispose();
}
