using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm;

/// <summary>
/// The fitted window normalisation: a row-to-row map, so it works in <c>PredictionEngine</c>. Stateless for the
/// per-window modes; the series-level modes hold their statistics per series key (<see cref="SeriesKeys"/>).
/// See <see cref="NormalizeWindowsEstimator"/> for the columns and semantics.
/// </summary>
/// <remarks>
/// <para>Input columns: <see cref="InputColumnName"/> (<c>Vector&lt;Single&gt;</c> of T·F); optionally
/// <see cref="LabelColumnName"/>. Output columns: <see cref="OutputColumnName"/> (normalised window, dimensions
/// <c>[T, F]</c>), <see cref="ShiftColumnName"/> and <see cref="ScaleColumnName"/> (<c>Vector&lt;Single&gt;</c> of F),
/// <see cref="NormalizedLabelColumnName"/> when the label is present; all input columns pass through. A series-level
/// mode with keys also reads <see cref="SeriesColumnName"/> (the training data's key type); a key unseen at fit time
/// is an <see cref="InvalidOperationException"/> naming the key column, the key and the fix, while the saved graph
/// (stock <c>mlContext.Model.Load</c>, <c>ExportOnnx</c>) gives NaN window, shift and scale for it.</para>
/// <para>A window without spread (MinMax, ZScore) is divided by 1 and reports scale 0. A window that cannot be
/// normalised (zero base in a relative mode, a non-finite value, overflow) gets NaN shift, scale and values, so an LSTM
/// scores it NaN; on labelled input it is instead an <see cref="InvalidOperationException"/> naming the row and the
/// column. Saved as an <c>OnnxTransformer</c> that computes the same values bitwise. See docs/windows.md,
/// "NormalizeWindows".</para>
/// </remarks>
public sealed class NormalizeWindowsTransformer : ITransformer
{
    /// <summary>Value of the ONNX metadata entry <c>mlnet_lstm.format</c> of the saved graph.</summary>
    public const string OnnxFormat = OnnxGraphFormats.NormalizeWindows.Name;

    /// <summary>
    /// The newest value of the ONNX metadata entry <c>mlnet_lstm.version</c> of the saved graph, written by MinMax
    /// and ZScore (the version history is in <c>src/Transforms/Onnx/OnnxGraphFormats.cs</c>). Earlier versions
    /// still load and score as they were saved.
    /// </summary>
    public const int OnnxFormatVersion = OnnxGraphFormats.NormalizeWindows.Version;

    /// <summary>The version the per-window modes write (their graph form is that of version 3).</summary>
    internal const int PerWindowFormatVersion = OnnxGraphFormats.NormalizeWindows.PerWindowVersion;

    /// <summary>The version the series-level modes write (the graph form of version 4).</summary>
    internal const int SeriesLevelFormatVersion = OnnxGraphFormats.NormalizeWindows.SeriesLevelVersion;

    private readonly string[] _featureNames;

    internal NormalizeWindowsTransformer(NormalizeWindowsEstimator.Options options, string inputColumnName, int windowSize, int featureCount, int targetIndex,
        IReadOnlyList<string> featureNames, SeriesScaling? series = null)
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
        Guard.Check(WindowNormalizer.For(Mode).IsSeriesLevel == (series is not null) && (series is null || series.FeatureCount == featureCount),
            $"NormalizeWindows ({Mode}): series statistics are needed by the series-level modes, and only by them.", nameof(series));
        Series = series;
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

    /// <summary>
    /// The series key column read by <see cref="WindowNormalization.SeriesMinMax"/> and
    /// <see cref="WindowNormalization.SeriesZScore"/> (null for the per-window modes and for one series).
    /// </summary>
    public string? SeriesColumnName => Series?.KeyColumnName;

    /// <summary>The keys fitted by a series-level mode, as text (empty for the per-window modes; <c>""</c> for one series).</summary>
    public IReadOnlyList<string> SeriesKeys => Series?.Keys ?? Array.Empty<string>();

    /// <summary>The fitted statistics of a series-level mode, else null.</summary>
    internal SeriesScaling? Series { get; }

    /// <summary>The names of the F columns (from the window annotations, else <c>f0..</c>).</summary>
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>Always <see langword="true"/>: the transform maps each row on its own.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>The inverse of the normalisation for one value: <c>normalized * scale + shift</c>.</summary>
    /// <param name="normalized">A normalised value (e.g. a prediction of the normalised label).</param>
    /// <param name="shift">The window's shift for the value's column.</param>
    /// <param name="scale">The window's scale for the value's column.</param>
    /// <returns>The value in the original units.</returns>
    public static float Denormalize(float normalized, float shift, float scale) => WindowNormalizer.Denormalize(normalized, shift, scale);

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
            destination[i] = WindowNormalizer.Denormalize(normalized[i], shift[i % f], scale[i % f]);
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
        return Bind(input.Schema).Transform(input);
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
    /// Graph format <c>NormalizeWindows</c> (<see cref="OnnxFormatVersion"/>): inputs, outputs and metadata in
    /// docs/windows.md, "Saved graph formats".
    /// </remarks>
    public void Save(ModelSaveContext ctx)
    {
        Guard.NotNull(ctx);
        string temp = OutputColumnName + ".normalize_windows";
        var key = SeriesColumnName is { } k ? new[] { (k, KeyTypes.Column(Series!.KeyType)!) } : Array.Empty<(string, DataViewType)>();
        PersistedOnnxForm.Save(ctx, BuildOnnx(temp), InputColumnName, WindowSize * FeatureCount,
            new[] { temp, ShiftColumnName, ScaleColumnName }, temp, OutputColumnName, key);
    }

    internal byte[] BuildOnnx(string windowOutput)
    {
        int t = WindowSize, f = FeatureCount;
        var b = new OnnxModelBuilder("mlnet_lstm_normalize_windows");
        string x = b.AddInput(InputColumnName, OnnxElementType.Float, OnnxDim.Batch, t * f);
        if (SeriesColumnName is { } key)
            b.AddInput(key, Series!.KeyType, OnnxDim.Batch, 1);
        WindowNormalizer.AddNormalize(b, Mode, x, t, f, windowOutput, ShiftColumnName, ScaleColumnName, Series);
        b.AddOutput(windowOutput, OnnxElementType.Float, OnnxDim.Batch, t, f);
        b.AddOutput(ShiftColumnName, OnnxElementType.Float, OnnxDim.Batch, f);
        b.AddOutput(ScaleColumnName, OnnxElementType.Float, OnnxDim.Batch, f);

        var inv = CultureInfo.InvariantCulture;
        b.SetMetadata("mlnet_lstm.format", OnnxFormat);
        int version = Series is not null ? SeriesLevelFormatVersion : WindowNormalizer.For(Mode).ZeroSpreadKeepsLevel ? OnnxFormatVersion : PerWindowFormatVersion;
        b.SetMetadata("mlnet_lstm.version", version.ToString(inv));
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
        Series?.WriteMetadata(b);
        return b.Build();
    }

    internal NormalizeWindowsMapper Bind(DataViewSchema input) => new(this, input);

    /// <summary>The error for a labelled row whose window cannot be normalised (see the class remarks).</summary>
    internal InvalidOperationException CannotNormalize(long row, int feature, ReadOnlySpan<float> rawWindow)
    {
        string column = $"column '{_featureNames[feature]}' (feature {feature} of window column '{InputColumnName}')";
        for (int i = feature; i < rawWindow.Length; i += FeatureCount)
        {
            if (!float.IsFinite(rawWindow[i]))
            {
                return new InvalidOperationException(
                    $"NormalizeWindows: the window at row {row} (0-based, of the input to NormalizeWindows) has the non-finite value {rawWindow[i]} at step {i / FeatureCount} in {column}. " +
                    "Clean or impute the series (SlidingWindow reports such values, or skips their windows with SkipNonFiniteWindows = true).");
            }
        }
        if (Mode == WindowNormalization.RelativeToLast)
        {
            return new InvalidOperationException(
                $"NormalizeWindows (RelativeToLast): the window at row {row} (0-based, of the input to NormalizeWindows) ends with 0 in {column}, " +
                "and RelativeToLast divides by the last value. " +
                "Use WindowNormalization.MinMax or WindowNormalization.ZScore for series that reach zero (e.g. a sine wave), or shift the series away from 0.");
        }
        if (Mode == WindowNormalization.RelativeToFirst)
        {
            return new InvalidOperationException(
                $"NormalizeWindows (RelativeToFirst): the window at row {row} (0-based, of the input to NormalizeWindows) starts with 0 in {column}, " +
                "and RelativeToFirst divides by the first value. " +
                "Use WindowNormalization.MinMax or WindowNormalization.ZScore for series that reach zero (e.g. a sine wave), or shift the series away from 0.");
        }
        return new InvalidOperationException(
            $"NormalizeWindows ({Mode}): the window at row {row} (0-based, of the input to NormalizeWindows) has a non-finite shift or scale in {column} " +
            "(its values are too large for single precision). Rescale the series (e.g. divide it by a power of 10) before windowing.");
    }
}
