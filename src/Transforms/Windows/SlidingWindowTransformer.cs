using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm;

/// <summary>
/// The fitted (stateless) sliding-window transform: one output row per complete window of a time-ordered series.
/// See <see cref="SlidingWindowEstimator"/> for the columns and semantics.
/// </summary>
/// <remarks>
/// <para>Input columns: the numeric scalar <see cref="InputColumnNames"/>, time-ordered; any other columns.
/// Output columns: <see cref="OutputColumnName"/> (<c>Vector&lt;Single&gt;</c>, dimensions <c>[T, F]</c>),
/// <see cref="LabelColumnName"/> (<c>Single</c> or <c>Vector&lt;Single&gt;</c> of <see cref="Horizon"/>), and the
/// input columns with the values of each window's last row.</para>
/// <para><see cref="Transform"/> streams (the last T + h rows in memory; one sequential cursor). Input that already
/// has the window column (T·F values) passes through unchanged, row to row; a window of another length is an error
/// naming the column and both sizes. Saved as an <c>OnnxTransformer</c> whose reloaded form is that pass-through. See
/// docs/windows.md, "SlidingWindow".</para>
/// </remarks>
public sealed class SlidingWindowTransformer : ITransformer
{
    /// <summary>Value of the ONNX metadata entry <c>mlnet_lstm.format</c> of the saved graph.</summary>
    public const string OnnxFormat = OnnxGraphFormats.SlidingWindow.Name;

    /// <summary>Value of the ONNX metadata entry <c>mlnet_lstm.version</c> of the saved graph (the version history is
    /// in <c>src/Transforms/Onnx/OnnxGraphFormats.cs</c>).</summary>
    public const int OnnxFormatVersion = OnnxGraphFormats.SlidingWindow.Version;

    private readonly SlidingWindowEstimator.Options _options;

    internal SlidingWindowTransformer(SlidingWindowEstimator.Options options)
    {
        _options = options.Clone();
        _options.Validate();
        TargetColumnName = _options.TargetColumnName ?? _options.InputColumnNames[0];
        TargetIndex = Array.IndexOf(_options.InputColumnNames, TargetColumnName);
    }

    /// <summary>Name of the window column.</summary>
    public string OutputColumnName => _options.OutputColumnName;

    /// <summary>The F input columns, in feature order.</summary>
    public IReadOnlyList<string> InputColumnNames => _options.InputColumnNames;

    /// <summary>T, the number of time steps of a window.</summary>
    public int WindowSize => _options.WindowSize;

    /// <summary>F, the number of values per time step.</summary>
    public int FeatureCount => _options.InputColumnNames.Length;

    /// <summary>h, how many steps ahead the label reaches.</summary>
    public int Horizon => _options.Horizon;

    /// <summary>Name of the label column.</summary>
    public string LabelColumnName => _options.LabelColumnName;

    /// <summary>The column forecast by the label.</summary>
    public string TargetColumnName { get; }

    /// <summary>Index of <see cref="TargetColumnName"/> among <see cref="InputColumnNames"/>.</summary>
    public int TargetIndex { get; }

    /// <summary>Distance in rows between consecutive windows.</summary>
    public int Stride => _options.Stride;

    /// <summary>Whether trailing windows without a (complete) label are emitted, with NaN label values.</summary>
    public bool IncludeUnlabeledTrailingWindows => _options.IncludeUnlabeledTrailingWindows;

    /// <summary>Whether windows with non-finite values are skipped rather than reported as errors.</summary>
    public bool SkipNonFiniteWindows => _options.SkipNonFiniteWindows;

    /// <summary>The series key column, or <see langword="null"/> for one series.</summary>
    public string? SeriesColumnName => _options.SeriesColumnName;

    /// <summary>The C known-future covariate columns (empty when none).</summary>
    public IReadOnlyList<string> FutureCovariateColumnNames => _options.FutureCovariateColumnNames ?? Array.Empty<string>();

    /// <summary>The future covariates column (<c>Vector&lt;Single&gt;</c> of h·C), or <see langword="null"/> when there are no future covariates.</summary>
    public string? FutureColumnName => _options.FutureCovariateColumnNames is null ? null : _options.FutureColumnName;

    /// <summary>
    /// Always <see langword="true"/>, so that a chain that starts with this transformer can make a
    /// <c>PredictionEngine</c> over window rows; <see cref="GetRowToRowMapper"/> then requires the window column in its
    /// input (a raw series cannot be mapped row by row).
    /// </summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The parameters as options (a copy).</summary>
    public SlidingWindowEstimator.Options GetOptions() => _options.Clone();

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        Guard.NotNull(inputSchema);
        return Bind(inputSchema).OutputSchema;
    }

    /// <summary>Windows the series (or passes window rows through, see the remarks of the class).</summary>
    /// <param name="input">A time-ordered series, or rows that already have the window column.</param>
    /// <returns>A lazily computed, sequential data view.</returns>
    public IDataView Transform(IDataView input)
    {
        Guard.NotNull(input);
        var binding = Bind(input.Schema);
        return binding.PassThrough
            ? new WindowPassThrough(input.Schema, OutputColumnName, WindowSize * FeatureCount).Transform(input)
            : new SlidingWindowDataView(this, input, binding);
    }

    /// <summary>
    /// The identity mapper, for inputs that already have the window column (a <c>Vector&lt;Single&gt;</c> of T·F).
    /// </summary>
    /// <exception cref="InvalidOperationException">The input has no window column: windows span several rows, so a
    /// raw series cannot be mapped row by row.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        Guard.NotNull(inputSchema);
        if (!HasWindowColumn(inputSchema))
        {
            throw new InvalidOperationException(
                $"SlidingWindow maps rows one by one only when its input already has the window column '{OutputColumnName}' " +
                $"as a Vector<Single> of {WindowSize * FeatureCount} values (windowSize {WindowSize} x {FeatureCount} columns). " +
                "A window spans several rows of a raw series: use Transform on the whole series, or give the PredictionEngine " +
                $"an input class with a [VectorType({WindowSize * FeatureCount})] float[] {OutputColumnName} field.");
        }
        return new WindowPassThrough(inputSchema, OutputColumnName, WindowSize * FeatureCount);
    }

    /// <summary>
    /// Saves the transformer as built-in ML.NET transformers: an <c>OnnxTransformer</c> running a <c>Reshape</c>
    /// graph on the window column, then column copying back to the window column's name. The ONNX model metadata
    /// holds the parameters, so the reloaded model is the pass-through form.
    /// </summary>
    /// <remarks>
    /// Graph format <c>SlidingWindow</c> (<see cref="OnnxFormatVersion"/>): metadata and graph in docs/windows.md,
    /// "Saved graph formats".
    /// </remarks>
    public void Save(ModelSaveContext ctx)
    {
        Guard.NotNull(ctx);
        int size = WindowSize * FeatureCount;
        string temp = OutputColumnName + ".sliding_window";
        var b = new OnnxModelBuilder("mlnet_lstm_sliding_window");
        b.AddInput(OutputColumnName, OnnxElementType.Float, OnnxDim.Batch, size);
        b.AddInt64Vector("shape", -1, WindowSize, FeatureCount);
        b.AddNode("Reshape", new[] { OutputColumnName, "shape" }, new[] { temp });
        b.AddOutput(temp, OnnxElementType.Float, OnnxDim.Batch, WindowSize, FeatureCount);
        foreach (var (key, value) in OnnxMetadata())
            b.SetMetadata(key, value);
        PersistedOnnxForm.Save(ctx, b.Build(), OutputColumnName, size, new[] { temp }, temp, OutputColumnName);
    }

    internal IEnumerable<KeyValuePair<string, string>> OnnxMetadata()
    {
        var inv = CultureInfo.InvariantCulture;
        yield return new("mlnet_lstm.format", OnnxFormat);
        yield return new("mlnet_lstm.version", OnnxFormatVersion.ToString(inv));
        yield return new("mlnet_lstm.input_columns", JsonSerializer.Serialize(_options.InputColumnNames));
        yield return new("mlnet_lstm.window_size", WindowSize.ToString(inv));
        yield return new("mlnet_lstm.horizon", Horizon.ToString(inv));
        yield return new("mlnet_lstm.stride", Stride.ToString(inv));
        yield return new("mlnet_lstm.output_column", OutputColumnName);
        yield return new("mlnet_lstm.label_column", LabelColumnName);
        yield return new("mlnet_lstm.target_column", TargetColumnName);
        yield return new("mlnet_lstm.include_unlabeled_trailing_windows", IncludeUnlabeledTrailingWindows ? "true" : "false");
        yield return new("mlnet_lstm.skip_non_finite_windows", SkipNonFiniteWindows ? "true" : "false");
        if (SeriesColumnName is not null)
            yield return new("mlnet_lstm.series_column", SeriesColumnName);
        if (_options.FutureCovariateColumnNames is not null)
        {
            yield return new("mlnet_lstm.future_covariate_columns", JsonSerializer.Serialize(_options.FutureCovariateColumnNames));
            yield return new("mlnet_lstm.future_column", _options.FutureColumnName);
        }
    }

    private bool HasWindowColumn(DataViewSchema schema)
    {
        var column = schema.GetColumnOrNull(OutputColumnName);
        return column is { Type: VectorDataViewType v } && v.ItemType == NumberDataViewType.Single && v.Size == WindowSize * FeatureCount;
    }

    internal static InvalidOperationException TooShort(SlidingWindowEstimator.Options o, long rows)
    {
        int needed = o.MinimumRows;
        string why = o.IncludeUnlabeledTrailingWindows
            ? $"windowSize {o.WindowSize}"
            : $"windowSize {o.WindowSize} + horizon {o.Horizon}";
        return new InvalidOperationException(
            $"SlidingWindow needs at least {needed} rows ({why}) of column '{o.InputColumnNames[0]}' to make one window, but {(o.SeriesColumnName is null ? "the input" : $"the longest series (key column '{o.SeriesColumnName}')")} has {rows}. " +
            "Give a longer series or a smaller windowSize/horizon.");
    }

    internal sealed class Binding
    {
        public bool PassThrough;
        public DataViewSchema OutputSchema = null!;
        public int[] FeatureColumns = Array.Empty<int>();
        public int InputColumnCount;
        public int WindowColumn;
        public int LabelColumn;
        public int SeriesColumn = -1;
        public int[] FutureColumns = Array.Empty<int>();
        public int FutureColumn = -1;
    }

    internal Binding Bind(DataViewSchema input)
    {
        if (HasWindowColumn(input))
            return new Binding { PassThrough = true, OutputSchema = input, InputColumnCount = input.Count };

        var features = new int[FeatureCount];
        for (int f = 0; f < FeatureCount; f++)
            features[f] = FindNumeric(input, _options.InputColumnNames[f]);
        var future = (_options.FutureCovariateColumnNames ?? Array.Empty<string>()).Select(n => FindNumeric(input, n)).ToArray();
        int series = FindSeries(input);

        var builder = new DataViewSchema.Builder();
        foreach (var column in input)
            builder.AddColumn(column.Name, column.Type, column.Annotations);
        builder.AddColumn(OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, WindowSize, FeatureCount),
            WindowAnnotations.Build(_options.InputColumnNames, TargetIndex, WindowSize, SeriesColumnName, FutureColumnName, Stride));
        builder.AddColumn(LabelColumnName, Horizon == 1 ? NumberDataViewType.Single : new VectorDataViewType(NumberDataViewType.Single, Horizon));
        if (future.Length > 0)
            builder.AddColumn(_options.FutureColumnName, new VectorDataViewType(NumberDataViewType.Single, Horizon, future.Length));
        return new Binding
        {
            SeriesColumn = series,
            FutureColumns = future,
            FutureColumn = future.Length > 0 ? input.Count + 2 : -1,
            PassThrough = false,
            OutputSchema = builder.ToSchema(),
            FeatureColumns = features,
            InputColumnCount = input.Count,
            WindowColumn = input.Count,
            LabelColumn = input.Count + 1,
        };
    }

    private int FindNumeric(DataViewSchema input, string name)
    {
        var column = input.GetColumnOrNull(name);
        if (column is null)
        {
            var window = input.GetColumnOrNull(OutputColumnName);
            if (window is { Type: VectorDataViewType wv })
            {
                throw new ArgumentOutOfRangeException(nameof(input),
                    $"SlidingWindow: the window column '{OutputColumnName}' has type {wv} but must be a Vector<Single> of {WindowSize * FeatureCount} values " +
                    $"(windowSize {WindowSize} x {FeatureCount} columns), and the input column '{name}' to build it from was not found. " +
                    $"Fix the window column's size (e.g. [VectorType({WindowSize * FeatureCount})]) or give the raw series.");
            }
            throw new ArgumentOutOfRangeException(nameof(input),
                $"SlidingWindow: input column '{name}' was not found. Available columns: {string.Join(", ", input.Where(c => !c.IsHidden).Select(c => c.Name))}. " +
                "Check inputColumnNames (and FutureCovariateColumnNames) or load the column.");
        }
        if (!NumericColumnReader.IsSupported(column.Value.Type))
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"SlidingWindow: input column '{name}' has type {column.Value.Type}, but windows need numeric scalar columns (Single, Double or an integer type). " +
                "Convert it (mlContext.Transforms.Conversion.ConvertType) or remove it from inputColumnNames (or FutureCovariateColumnNames).");
        }
        return column.Value.Index;
    }

    private int FindSeries(DataViewSchema input)
    {
        if (SeriesColumnName is null)
            return -1;
        var column = input.GetColumnOrNull(SeriesColumnName);
        if (column is null)
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"SlidingWindow: series key column '{SeriesColumnName}' was not found. Available columns: {string.Join(", ", input.Where(c => !c.IsHidden).Select(c => c.Name))}. " +
                "Check seriesColumnName or load the column.");
        }
        if (!SeriesKeyReader.IsSupported(column.Value.Type))
            throw SeriesKeyReader.NotSupported(SeriesColumnName, column.Value.Type);
        return column.Value.Index;
    }
}
