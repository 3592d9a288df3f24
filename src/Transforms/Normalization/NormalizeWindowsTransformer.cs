using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm;

/// <summary>
/// The fitted (stateless) per-window normalisation: a row-to-row map, so it works in <c>PredictionEngine</c>.
/// See <see cref="NormalizeWindowsEstimator"/> for the columns and semantics.
/// </summary>
/// <remarks>
/// <para>Input columns: <see cref="InputColumnName"/> (<c>Vector&lt;Single&gt;</c> of T·F); optionally
/// <see cref="LabelColumnName"/>. Output columns: <see cref="OutputColumnName"/> (normalised window, dimensions
/// <c>[T, F]</c>), <see cref="ShiftColumnName"/> and <see cref="ScaleColumnName"/> (<c>Vector&lt;Single&gt;</c> of F),
/// <see cref="NormalizedLabelColumnName"/> when the label is present; all input columns pass through.</para>
/// <para>Zero-size ranges: in <see cref="WindowNormalization.MinMax"/> a column with max = min, and in
/// <see cref="WindowNormalization.ZScore"/> a column with standard deviation 0, get scale 1 (so the normalised
/// values are 0). In <see cref="WindowNormalization.RelativeToFirst"/> a zero first value is an error.</para>
/// <para>Saving: the transformer is saved as an <c>OnnxTransformer</c> computing the normalised window and the shift and
/// scale columns from the window column (the normalised label is not in the graph: there is no label at prediction
/// time), followed by column copying to the output name. The reloaded form computes the same values (to float
/// rounding: ZScore's mean and deviation may differ in the last bits), but reports no error on a zero base
/// (it yields infinities).</para>
/// </remarks>
public sealed class NormalizeWindowsTransformer : ITransformer
{
    /// <summary>Value of the ONNX metadata entry <c>mlnet_lstm.format</c> of the saved graph.</summary>
    public const string OnnxFormat = "NormalizeWindows";

    /// <summary>Value of the ONNX metadata entry <c>mlnet_lstm.version</c> of the saved graph.</summary>
    public const int OnnxFormatVersion = 1;

    private readonly string[] _featureNames;

    internal NormalizeWindowsTransformer(NormalizeWindowsEstimator.Options options, string inputColumnName, int windowSize, int featureCount, int targetIndex, IReadOnlyList<string> featureNames)
    {
        OutputColumnName = options.OutputColumnName;
        InputColumnName = inputColumnName;
        Mode = options.Mode;
        LabelColumnName = options.LabelColumnName;
        NormalizedLabelColumnName = options.NormalizedLabelColumnName ?? options.LabelColumnName + "Normalized";
        ShiftColumnName = options.ShiftColumnName ?? options.OutputColumnName + "Shift";
        ScaleColumnName = options.ScaleColumnName ?? options.OutputColumnName + "Scale";
        WindowSize = windowSize;
        FeatureCount = featureCount;
        TargetIndex = targetIndex;
        _featureNames = featureNames.ToArray();
        var names = new[] { OutputColumnName, ShiftColumnName, ScaleColumnName, NormalizedLabelColumnName };
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        Guard.Check(duplicate is null, $"NormalizeWindows: two output columns are named '{duplicate?.Key}'; give the window, shift, scale and normalised label columns different names.", nameof(options));
    }

    /// <summary>Name of the normalised window column.</summary>
    public string OutputColumnName { get; }

    /// <summary>Name of the window column read.</summary>
    public string InputColumnName { get; }

    /// <summary>The normalisation.</summary>
    public WindowNormalization Mode { get; }

    /// <summary>Name of the label column normalised when present.</summary>
    public string LabelColumnName { get; }

    /// <summary>Name of the normalised label column.</summary>
    public string NormalizedLabelColumnName { get; }

    /// <summary>Name of the per-window shift column (F values).</summary>
    public string ShiftColumnName { get; }

    /// <summary>Name of the per-window scale column (F values).</summary>
    public string ScaleColumnName { get; }

    /// <summary>T, the number of time steps of a window.</summary>
    public int WindowSize { get; }

    /// <summary>F, the number of values per time step.</summary>
    public int FeatureCount { get; }

    /// <summary>Index of the label's column among the F.</summary>
    public int TargetIndex { get; }

    /// <summary>The names of the F columns (from the window annotations, else <c>f0..</c>).</summary>
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>Always <see langword="true"/>: the transform maps each row on its own.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The inverse of the normalisation for one value: <c>normalized * scale + shift</c>.</summary>
    /// <param name="normalized">A normalised value (e.g. a prediction of the normalised label).</param>
    /// <param name="shift">The window's shift for the value's column.</param>
    /// <param name="scale">The window's scale for the value's column.</param>
    /// <returns>The value in the original units.</returns>
    public static float Denormalize(float normalized, float shift, float scale) => normalized * scale + shift;

    /// <summary>The inverse of the normalisation for a whole window (time-major, F values per step).</summary>
    /// <param name="normalized">The normalised window, T·F values.</param>
    /// <param name="shift">The window's F shifts.</param>
    /// <param name="scale">The window's F scales.</param>
    /// <param name="destination">Receives the T·F values in original units.</param>
    public static void Denormalize(ReadOnlySpan<float> normalized, ReadOnlySpan<float> shift, ReadOnlySpan<float> scale, Span<float> destination)
    {
        int f = shift.Length;
        if (f == 0 || scale.Length != f || normalized.Length % f != 0 || destination.Length < normalized.Length)
            throw new ArgumentException("Denormalize: shift and scale must have F > 0 values, the window a multiple of F, and destination room for the window.");
        for (int i = 0; i < normalized.Length; i++)
            destination[i] = normalized[i] * scale[i % f] + shift[i % f];
    }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        Guard.NotNull(inputSchema);
        return Bind(inputSchema).OutputSchema;
    }

    /// <summary>Normalises each row's window (lazily).</summary>
    /// <param name="input">Data with the window column.</param>
    /// <returns>A data view with the normalised window, shift, scale (and normalised label) columns.</returns>
    public IDataView Transform(IDataView input)
    {
        Guard.NotNull(input);
        return new NormalizeWindowsDataView(Bind(input.Schema), input);
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        Guard.NotNull(inputSchema);
        return Bind(inputSchema);
    }

    /// <summary>
    /// Saves the transformer as built-in ML.NET transformers: an <c>OnnxTransformer</c> whose graph computes the
    /// normalised window, the shift and the scale, then column copying to the output name.
    /// </summary>
    /// <remarks>
    /// ONNX graph (format <c>NormalizeWindows</c>, version 1): input <c>{input}</c> float <c>[N, T·F]</c>; outputs
    /// <c>{output}.normalize_windows</c> float <c>[N, T, F]</c> (copied to <c>{output}</c>), <c>{shift}</c> and
    /// <c>{scale}</c> float <c>[N, F]</c>. Metadata: <c>mlnet_lstm.format</c>, <c>mlnet_lstm.version</c>,
    /// <c>mlnet_lstm.mode</c> (mode name), <c>mlnet_lstm.window_size</c>, <c>mlnet_lstm.feature_count</c>,
    /// <c>mlnet_lstm.target_index</c>, <c>mlnet_lstm.feature_names</c> (JSON array), <c>mlnet_lstm.input_column</c>,
    /// <c>mlnet_lstm.output_column</c>, <c>mlnet_lstm.shift_column</c>, <c>mlnet_lstm.scale_column</c>,
    /// <c>mlnet_lstm.label_column</c>, <c>mlnet_lstm.normalized_label_column</c>.
    /// </remarks>
    public void Save(ModelSaveContext ctx)
    {
        Guard.NotNull(ctx);
        string temp = OutputColumnName + ".normalize_windows";
        PersistedOnnxForm.Save(ctx, BuildOnnx(temp), InputColumnName, WindowSize * FeatureCount,
            new[] { temp, ShiftColumnName, ScaleColumnName }, temp, OutputColumnName);
    }

    internal byte[] BuildOnnx(string windowOutput)
    {
        int t = WindowSize, f = FeatureCount;
        var b = new OnnxModelBuilder("mlnet_lstm_normalize_windows");
        string x = b.AddInput(InputColumnName, OnnxElementType.Float, OnnxDim.Batch, t * f);
        b.AddInt64Vector("shape_ntf", -1, t, f);
        b.AddInt64Vector("shape_nf", -1, f);
        b.AddInitializer("zero", new[] { 0f }, new long[] { 1 });
        b.AddInitializer("one", new[] { 1f }, new long[] { 1 });
        string x3 = b.AddNode("Reshape", new[] { x, "shape_ntf" }, new[] { "x3" });
        string shift, scale;
        string? numerator = null;
        switch (Mode)
        {
            case WindowNormalization.RelativeToFirst:
                b.AddInt64Vector("start0", 0);
                b.AddInt64Vector("end1", 1);
                b.AddInt64Vector("axis1", 1);
                shift = scale = b.AddNode("Slice", new[] { x3, "start0", "end1", "axis1" }, new[] { "first" });
                break;
            case WindowNormalization.MinMax:
            {
                shift = b.AddNode("ReduceMin", new[] { x3 }, new[] { "min" }, OnnxAttribute.Of("axes", new long[] { 1 }), OnnxAttribute.Of("keepdims", 1L));
                string max = b.AddNode("ReduceMax", new[] { x3 }, new[] { "max" }, OnnxAttribute.Of("axes", new long[] { 1 }), OnnxAttribute.Of("keepdims", 1L));
                string range = b.AddNode("Sub", new[] { max, shift }, new[] { "range" });
                scale = OneWhereZero(b, range);
                break;
            }
            case WindowNormalization.ZScore:
            {
                // Computed on differences from the first value, so that float32 sums of large prices stay exact
                // enough: d = x - x0, m = mean(d), w' = (d - m) / std(d), shift = x0 + m (same as the C# path).
                b.AddInt64Vector("start0", 0);
                b.AddInt64Vector("end1", 1);
                b.AddInt64Vector("axis1", 1);
                string first = b.AddNode("Slice", new[] { x3, "start0", "end1", "axis1" }, new[] { "first" });
                string d = b.AddNode("Sub", new[] { x3, first }, new[] { "delta" });
                string m = b.AddNode("ReduceMean", new[] { d }, new[] { "delta_mean" }, OnnxAttribute.Of("axes", new long[] { 1 }), OnnxAttribute.Of("keepdims", 1L));
                numerator = b.AddNode("Sub", new[] { d, m }, new[] { "centered" });
                string sq = b.AddNode("Mul", new[] { numerator, numerator }, new[] { "squared" });
                string variance = b.AddNode("ReduceMean", new[] { sq }, new[] { "variance" }, OnnxAttribute.Of("axes", new long[] { 1 }), OnnxAttribute.Of("keepdims", 1L));
                string std = b.AddNode("Sqrt", new[] { variance }, new[] { "std" });
                scale = OneWhereZero(b, std);
                shift = b.AddNode("Add", new[] { first, m }, new[] { "mean" });
                break;
            }
            default:
            {
                b.AddInt64Vector("start0", 0);
                b.AddInt64Vector("end1", 1);
                b.AddInt64Vector("axis1", 1);
                string first = b.AddNode("Slice", new[] { x3, "start0", "end1", "axis1" }, new[] { "first" });
                string shape = b.AddNode("Shape", new[] { first }, new[] { "first_shape" });
                b.AddInitializer("zeros_f", new float[f], new long[] { 1, 1, f });
                b.AddInitializer("ones_f", Enumerable.Repeat(1f, f).ToArray(), new long[] { 1, 1, f });
                shift = b.AddNode("Expand", new[] { "zeros_f", shape }, new[] { "shift3" });
                scale = b.AddNode("Expand", new[] { "ones_f", shape }, new[] { "scale3" });
                break;
            }
        }
        numerator ??= b.AddNode("Sub", new[] { x3, shift }, new[] { "x_minus_shift" });
        b.AddNode("Div", new[] { numerator, scale }, new[] { windowOutput });
        b.AddNode("Reshape", new[] { shift, "shape_nf" }, new[] { ShiftColumnName });
        b.AddNode("Reshape", new[] { scale, "shape_nf" }, new[] { ScaleColumnName });
        b.AddOutput(windowOutput, OnnxElementType.Float, OnnxDim.Batch, t, f);
        b.AddOutput(ShiftColumnName, OnnxElementType.Float, OnnxDim.Batch, f);
        b.AddOutput(ScaleColumnName, OnnxElementType.Float, OnnxDim.Batch, f);

        var inv = CultureInfo.InvariantCulture;
        b.SetMetadata("mlnet_lstm.format", OnnxFormat);
        b.SetMetadata("mlnet_lstm.version", OnnxFormatVersion.ToString(inv));
        b.SetMetadata("mlnet_lstm.mode", Mode.ToString());
        b.SetMetadata("mlnet_lstm.window_size", t.ToString(inv));
        b.SetMetadata("mlnet_lstm.feature_count", f.ToString(inv));
        b.SetMetadata("mlnet_lstm.target_index", TargetIndex.ToString(inv));
        b.SetMetadata("mlnet_lstm.feature_names", JsonSerializer.Serialize(_featureNames));
        b.SetMetadata("mlnet_lstm.input_column", InputColumnName);
        b.SetMetadata("mlnet_lstm.output_column", OutputColumnName);
        b.SetMetadata("mlnet_lstm.shift_column", ShiftColumnName);
        b.SetMetadata("mlnet_lstm.scale_column", ScaleColumnName);
        b.SetMetadata("mlnet_lstm.label_column", LabelColumnName);
        b.SetMetadata("mlnet_lstm.normalized_label_column", NormalizedLabelColumnName);
        return b.Build();
    }

    private static string OneWhereZero(OnnxModelBuilder b, string value)
    {
        string isZero = b.AddNode("Equal", new[] { value, "zero" }, new[] { value + "_is_zero" });
        return b.AddNode("Where", new[] { isZero, "one", value }, new[] { value + "_safe" });
    }

    internal NormalizeWindowsMapper Bind(DataViewSchema input) => new(this, input);

    /// <summary>
    /// Computes the shift, scale and normalised values of one window (T·F values, time-major) in place.
    /// Returns the feature index whose base is zero in <see cref="WindowNormalization.RelativeToFirst"/>, else -1.
    /// </summary>
    internal static int NormalizeInPlace(Span<float> window, int t, int f, WindowNormalization mode, Span<float> shift, Span<float> scale)
    {
        for (int j = 0; j < f; j++)
        {
            float sh, sc;
            switch (mode)
            {
                case WindowNormalization.RelativeToFirst:
                    sh = sc = window[j];
                    if (sc == 0f)
                        return j;
                    break;
                case WindowNormalization.MinMax:
                {
                    float min = float.PositiveInfinity, max = float.NegativeInfinity;
                    for (int i = 0; i < t; i++)
                    {
                        float v = window[i * f + j];
                        min = Math.Min(min, v);
                        max = Math.Max(max, v);
                    }
                    sh = min;
                    sc = max - min;
                    if (sc == 0f)
                        sc = 1f;
                    break;
                }
                case WindowNormalization.ZScore:
                {
                    // On differences from the first value (as the ONNX graph does): d = w - w0, m = mean(d),
                    // w' = (d - m) / std, shift = w0 + m.
                    float first = window[j];
                    double sum = 0;
                    for (int i = 0; i < t; i++)
                        sum += window[i * f + j] - first;
                    float m = (float)(sum / t);
                    double sq = 0;
                    for (int i = 0; i < t; i++)
                    {
                        float c = (window[i * f + j] - first) - m;
                        sq += (double)c * c;
                    }
                    sc = (float)Math.Sqrt(sq / t);
                    if (sc == 0f)
                        sc = 1f;
                    sh = first + m;
                    shift[j] = sh;
                    scale[j] = sc;
                    for (int i = 0; i < t; i++)
                        window[i * f + j] = ((window[i * f + j] - first) - m) / sc;
                    continue;
                }
                default:
                    sh = 0f;
                    sc = 1f;
                    break;
            }
            shift[j] = sh;
            scale[j] = sc;
            for (int i = 0; i < t; i++)
                window[i * f + j] = (window[i * f + j] - sh) / sc;
        }
        return -1;
    }

    internal InvalidOperationException ZeroBase(long row, int feature) => new(
        $"NormalizeWindows (RelativeToFirst): the window at row {row} (0-based, of the input to NormalizeWindows) starts with 0 in column '{_featureNames[feature]}' " +
        $"(feature {feature} of window column '{InputColumnName}'), and RelativeToFirst divides by the first value. " +
        "Use WindowNormalization.MinMax or WindowNormalization.ZScore for series that reach zero (e.g. a sine wave), or shift the series away from 0.");
}
