using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Lstm.Scoring;

/// <summary>
/// Scores an ONNX graph over an ML.NET <see cref="IDataView"/> in batches of up to
/// <see cref="BatchScorerOptions.BatchSize"/> rows, one ONNX Runtime <c>Run</c> per batch
/// (<see cref="BatchScoringDataView"/>); <see cref="GetRowToRowMapper"/> scores single rows on reused buffers.
/// </summary>
/// <remarks>
/// One thread-safe <see cref="InferenceSession"/> is shared by every cursor; buffers are per cursor. Dispose the
/// scorer to release the native session.
/// </remarks>
internal sealed class OnnxBatchScorer : IDisposable
{
    private readonly InferenceSession _session;

    /// <summary>Creates a scorer for <paramref name="model"/> (ONNX <c>ModelProto</c> bytes).</summary>
    public OnnxBatchScorer(byte[] model, BatchScorerOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be at least 1.");
        if (options.InputColumnNames.Count == 0 || options.GraphOutputNames.Count == 0)
            throw new ArgumentException("At least one input column and one graph output are needed.", nameof(options));
        if (options.GraphInputNames is { } gin && gin.Count != options.InputColumnNames.Count)
            throw new ArgumentException("GraphInputNames must be parallel to InputColumnNames.", nameof(options));
        if (options.OutputColumnNames is { } ocn && ocn.Count != options.GraphOutputNames.Count)
            throw new ArgumentException("OutputColumnNames must be parallel to GraphOutputNames.", nameof(options));
        if (options.StockOutputTypes && options.ScalarOutputs.Count > 0)
            throw new ArgumentException(
                $"ScalarOutputs ({string.Join(", ", options.ScalarOutputs)}) cannot be used with StockOutputTypes: the stock OnnxTransformer has no scalar outputs. Clear one of the two.",
                nameof(options));

        Options = options;
        BatchSize = options.BatchSize;
        options.Device.Validate();
        (_session, ExecutionProvider) = OnnxSessionFactory.Create(model, options);
        try
        {
            Inputs = ResolveInputs(options);
            Outputs = ResolveOutputs(options);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
        InputGraphNames = Inputs.Select(i => i.GraphName).ToArray();
        OutputGraphNames = Outputs.Select(o => o.GraphName).ToArray();
    }

    internal BatchScorerOptions Options { get; }

    internal int BatchSize { get; }

    /// <summary>The session; an <see cref="ObjectDisposedException"/> once the scorer is disposed (never a native crash).</summary>
    internal InferenceSession Session => _disposed ? throw Disposed() : _session;

    private volatile bool _disposed;

    /// <summary>The execution provider the session runs on: <c>CPU</c> or <c>CUDA:{device}</c>.</summary>
    internal string ExecutionProvider { get; }

    internal IReadOnlyList<InputSpec> Inputs { get; }

    internal IReadOnlyList<OutputSpec> Outputs { get; }

    internal string[] InputGraphNames { get; }

    internal string[] OutputGraphNames { get; }

    /// <summary>
    /// The entry point for transformers: scores <paramref name="input"/> with a new scorer that the returned view
    /// keeps alive. Prefer holding an <see cref="OnnxBatchScorer"/> and calling <see cref="Transform"/> when the
    /// same model scores many data views.
    /// </summary>
    public static IDataView Create(byte[] model, IDataView input, BatchScorerOptions options)
        => new OnnxBatchScorer(model, options).Transform(input);

    /// <summary>Lazily scores <paramref name="input"/>: nothing runs until a cursor moves.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchScoringDataView(this, input);
    }

    /// <summary>The schema <see cref="Transform"/> gives for an input of <paramref name="inputSchema"/>.</summary>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        BindInputColumns(inputSchema);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var output in Outputs)
            builder.AddColumn(output.ColumnName, output.ColumnType);
        return builder.ToSchema();
    }

    /// <summary>A row mapper that scores one row per <c>Run</c>, for <c>PredictionEngine</c>.</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new OnnxRowMapper(this, inputSchema);

    /// <summary>Column indices of the graph inputs in <paramref name="schema"/>, checked for type and size.</summary>
    internal int[] BindInputColumns(DataViewSchema schema)
    {
        var indices = new int[Inputs.Count];
        for (int i = 0; i < Inputs.Count; i++)
        {
            var spec = Inputs[i];
            var column = schema.GetColumnOrNull(spec.ColumnName)
                ?? throw new ArgumentException(
                    $"The input has no column '{spec.ColumnName}', which the model reads (graph input '{spec.GraphName}'); columns: " +
                    $"{string.Join(", ", schema.Select(c => c.Name))}. Score the output of the same chain the model was trained on " +
                    "(a model trained on normalised windows needs NormalizeWindows before it, which makes the Shift and Scale columns).",
                    nameof(schema));
            if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType n } vector
                || n.RawType != typeof(float) || vector.Size != spec.Size)
            {
                throw new ArgumentException(
                    $"Column '{spec.ColumnName}' must be a Vector<Single> of {spec.Size} values for graph input " +
                    $"'{spec.GraphName}', but it is {column.Type}. Use windows of the size the model was trained on.", nameof(schema));
            }
            indices[i] = column.Index;
        }
        return indices;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _session.Dispose();
    }

    private static ObjectDisposedException Disposed() => new(nameof(OnnxBatchScorer),
        "This model's ONNX Runtime session was released: the model, or a TransformerChain holding it, was disposed. " +
        "Note that ML.NET's PredictionEngine.Dispose disposes the model the engine was created from. Keep the model " +
        "undisposed while it is used (dispose the engine when you are done with the model), or load the model again " +
        "(mlContext.Forecasting.LoadModel).");

    private InputSpec[] ResolveInputs(BatchScorerOptions options)
    {
        var specs = new InputSpec[options.InputColumnNames.Count];
        for (int i = 0; i < specs.Length; i++)
        {
            string column = options.InputColumnNames[i];
            string graphName = options.GraphInputNames?[i] ?? column;
            if (!_session.InputMetadata.TryGetValue(graphName, out var meta))
                throw new ArgumentException($"The ONNX graph has no input '{graphName}'.");
            specs[i] = new InputSpec(column, graphName, FixedSize(graphName, meta));
        }
        return specs;
    }

    private OutputSpec[] ResolveOutputs(BatchScorerOptions options)
    {
        var specs = new OutputSpec[options.GraphOutputNames.Count];
        for (int i = 0; i < specs.Length; i++)
        {
            string graphName = options.GraphOutputNames[i];
            string column = options.OutputColumnNames?[i] ?? graphName;
            if (!_session.OutputMetadata.TryGetValue(graphName, out var meta))
                throw new ArgumentException($"The ONNX graph has no output '{graphName}'.");
            int size = FixedSize(graphName, meta);
            bool scalar = !options.StockOutputTypes
                && (meta.Dimensions.Length == 1
                    || (size == 1 && meta.Dimensions.Length == 2 && options.ScalarOutputs.Contains(graphName)));
            DataViewType type = scalar ? NumberDataViewType.Single
                : options.StockOutputTypes ? new VectorDataViewType(NumberDataViewType.Single, meta.Dimensions.Select(d => d <= 0 ? 1 : d).ToArray())
                : new VectorDataViewType(NumberDataViewType.Single, size);
            specs[i] = new OutputSpec(column, graphName, size, scalar, type);
        }
        return specs;
    }

    private static int FixedSize(string name, NodeMetadata meta)
    {
        if (meta.ElementType != typeof(float))
            throw new ArgumentException($"ONNX value '{name}' must be float32, not {meta.ElementType}.");
        var dims = meta.Dimensions;
        if (dims.Length < 1)
            throw new ArgumentException($"ONNX value '{name}' must have a leading batch dimension.");
        long size = 1;
        for (int d = 1; d < dims.Length; d++)
        {
            if (dims[d] <= 0)
                throw new ArgumentException($"ONNX value '{name}' has a non-fixed dimension {d}; only the batch dimension may vary.");
            size *= dims[d];
        }
        return checked((int)size);
    }

    /// <summary>One graph input: its ML.NET column, graph name and per-row size.</summary>
    internal sealed record InputSpec(string ColumnName, string GraphName, int Size);

    /// <summary>One graph output: its ML.NET column, graph name, per-row size and ML.NET type.</summary>
    internal sealed record OutputSpec(string ColumnName, string GraphName, int Size, bool Scalar, DataViewType ColumnType);
}
