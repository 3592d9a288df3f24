using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// Rescales each window on its own, like the Keras stock tutorial's <c>normalise_windows</c>, or with statistics fitted
/// per series (<see cref="WindowNormalization.SeriesMinMax"/>, <see cref="WindowNormalization.SeriesZScore"/>), as an
/// ML.NET estimator. Create it with <c>mlContext.Transforms.NormalizeWindows(...)</c>.
/// </summary>
/// <remarks>
/// <para>Input columns: the window column (<c>Vector&lt;Single&gt;</c> of T·F values, time-major); optionally the
/// label column (<c>Single</c> or <c>Vector&lt;Single&gt;</c>); for a series-level mode, the key column named by the
/// window's <see cref="WindowAnnotations.WindowSeriesColumn"/> annotation, when it has one.</para>
/// <para>Output columns: <see cref="Options.OutputColumnName"/>, the normalised window (same type, replaces the input
/// when the names are equal) with the window annotations plus <see cref="WindowAnnotations.WindowNormalization"/>,
/// <see cref="WindowAnnotations.WindowShiftColumn"/> and <see cref="WindowAnnotations.WindowScaleColumn"/>;
/// <c>{output}Shift</c> and <c>{output}Scale</c> (<c>Vector&lt;Single&gt;</c> of F); when the label column is present,
/// <c>{label}Normalized</c> = <c>(y - shift[target]) / scale[target]</c>. All other columns pass through.</para>
/// <para>Maps <c>w'[t,f] = (w[t,f] - shift[f]) / scale[f]</c>; modes, inverse and rules: docs/windows.md, 'NormalizeWindows'.</para>
/// </remarks>
public sealed class NormalizeWindowsEstimator : IEstimator<NormalizeWindowsTransformer>
{
    /// <summary>Parameters of <see cref="NormalizeWindowsEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>Name of the normalised window column. Default <c>Window</c>.</summary>
        public string OutputColumnName { get; set; } = "Window";

        /// <summary>Name of the window column to normalise. Default: <see cref="OutputColumnName"/> (replace it).</summary>
        public string? InputColumnName { get; set; }

        /// <summary>The normalisation. Default <see cref="WindowNormalization.RelativeToFirst"/>.</summary>
        public WindowNormalization Mode { get; set; } = WindowNormalization.RelativeToFirst;

        /// <summary>Name of the label column to normalise when present. Default <c>Label</c>.</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>Name of the normalised label column. Default <c>{LabelColumnName}Normalized</c>.</summary>
        public string? NormalizedLabelColumnName { get; set; }

        /// <summary>Name of the per-window shift column. Default <c>{OutputColumnName}Shift</c>.</summary>
        public string? ShiftColumnName { get; set; }

        /// <summary>Name of the per-window scale column. Default <c>{OutputColumnName}Scale</c>.</summary>
        public string? ScaleColumnName { get; set; }

        /// <summary>T, needed only when the window column has neither dimensions <c>[T, F]</c> nor a <c>WindowSize</c> annotation.</summary>
        public int? WindowSize { get; set; }

        /// <summary>Index of the label's column among the F, needed only when the window column has no <c>WindowTargetIndex</c> annotation (default 0).</summary>
        public int? TargetIndex { get; set; }

        internal Options Clone() => (Options)MemberwiseClone();

        internal void Validate()
        {
            Guard.NotNullOrEmpty(OutputColumnName, nameof(OutputColumnName));
            Guard.NotNullOrEmpty(LabelColumnName, nameof(LabelColumnName));
            if (!Enum.IsDefined(Mode))
                throw new ArgumentOutOfRangeException(nameof(Mode), Mode, $"NormalizeWindows: unknown mode; use one of {string.Join(", ", Enum.GetNames<WindowNormalization>())}.");
            if (WindowSize is { } t)
                Guard.AtLeast(t, 1, "Give the number of time steps per window.", nameof(WindowSize));
            if (TargetIndex is { } ti)
                Guard.AtLeast(ti, 0, "Give the index of the target among the window's columns.", nameof(TargetIndex));
        }
    }

    private readonly Options _options;

    /// <summary>Creates the estimator. Prefer <c>mlContext.Transforms.NormalizeWindows(...)</c>.</summary>
    /// <param name="options">The parameters; copied.</param>
    public NormalizeWindowsEstimator(Options options)
    {
        Guard.NotNull(options);
        _options = options.Clone();
        _options.Validate();
    }

    /// <summary>
    /// Reads the window shape from the schema and returns the transformer: stateless for the per-window modes; for
    /// <see cref="WindowNormalization.SeriesMinMax"/> and <see cref="WindowNormalization.SeriesZScore"/> it first reads
    /// every training window to fit the statistics per series key (the column the window's
    /// <see cref="WindowAnnotations.WindowSeriesColumn"/> annotation names; one group without it).
    /// </summary>
    /// <param name="input">Data with the window column (and the series key column, for a series-level mode).</param>
    /// <returns>The fitted transformer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing, has the wrong type or size, or T cannot be determined.</exception>
    /// <exception cref="InvalidOperationException">A series-level mode meets a non-finite training value (named with its column and key).</exception>
    public NormalizeWindowsTransformer Fit(IDataView input)
    {
        Guard.NotNull(input);
        return Create(input.Schema, input);
    }

    private NormalizeWindowsTransformer Create(DataViewSchema schema, IDataView data)
    {
        string inputName = _options.InputColumnName ?? _options.OutputColumnName;
        var column = schema.GetColumnOrNull(inputName);
        if (column is null)
        {
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"NormalizeWindows: window column '{inputName}' was not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}. " +
                "Put mlContext.Transforms.SlidingWindow(...) before NormalizeWindows, or set inputColumnName.");
        }
        if (column.Value.Type is not VectorDataViewType { ItemType: NumberDataViewType } vector || vector.ItemType != NumberDataViewType.Single || vector.Size == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"NormalizeWindows: window column '{inputName}' has type {column.Value.Type}, but must be a Vector<Single> of known size T*F. " +
                "Make it with mlContext.Transforms.SlidingWindow(...) or declare it with [VectorType(T*F)] float[].");
        }
        var (t, f) = WindowShape.Resolve(column.Value, _options.WindowSize, "NormalizeWindows", nameof(Options.WindowSize));
        IReadOnlyList<string>? names = null;
        int target = _options.TargetIndex ?? 0;
        if (WindowAnnotations.TryGetWindowInfo(column.Value, out var info))
        {
            names = info.FeatureNames;
            target = _options.TargetIndex ?? info.TargetIndex;
        }
        if (target >= f)
        {
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"NormalizeWindows: the target index {target} is outside the {f} columns of window column '{inputName}'; set Options.TargetIndex between 0 and {f - 1}.");
        }
        var featureNames = names ?? Enumerable.Range(0, f).Select(i => $"f{i}").ToArray();
        var series = WindowNormalizer.For(_options.Mode).IsSeriesLevel
            ? SeriesScalingFit.Fit(data, column.Value, SeriesKeyColumn(schema, column.Value), t, f, _options.Mode, featureNames)
            : null;
        var transformer = new NormalizeWindowsTransformer(_options, inputName, t, f, target, featureNames, series);
        transformer.Bind(schema);
        return transformer;
    }

    /// <summary>The series key column named by the window's annotation (null for one series); missing is an error.</summary>
    private DataViewSchema.Column? SeriesKeyColumn(DataViewSchema schema, DataViewSchema.Column window)
    {
        string? name = WindowAnnotations.GetText(window, WindowAnnotations.WindowSeriesColumn);
        if (name is null)
            return null;
        return schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema),
            $"NormalizeWindows ({_options.Mode}): window column '{window.Name}' belongs to series keyed by column '{name}' (its {WindowAnnotations.WindowSeriesColumn} annotation), " +
            $"which is not in the data (columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}). " +
            "Series statistics are fitted per key: keep the key column (SlidingWindow passes it through), or window one series without SeriesColumnName.");
    }

    /// <summary>The schema of the transformed data, for pipeline validation.</summary>
    /// <param name="inputSchema">The input's schema shape.</param>
    /// <returns>The output's schema shape.</returns>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Guard.NotNull(inputSchema);
        string inputName = _options.InputColumnName ?? _options.OutputColumnName;
        if (!SchemaShapeUtil.TryFind(inputSchema, inputName, out var column))
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"NormalizeWindows: window column '{inputName}' was not found. Put mlContext.Transforms.SlidingWindow(...) before NormalizeWindows, or set inputColumnName.");
        }
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"NormalizeWindows: window column '{inputName}' must be a Vector<Single> of known size T*F.");
        }
        // The shape does not tell the vector sizes: placeholder size 1 keeps the columns "fixed-size vectors".
        var vector = new VectorDataViewType(NumberDataViewType.Single, 1);
        var columns = new List<(string, DataViewType)>
        {
            (_options.OutputColumnName, vector),
            (_options.ShiftColumnName ?? _options.OutputColumnName + "Shift", vector),
            (_options.ScaleColumnName ?? _options.OutputColumnName + "Scale", vector),
        };
        if (SchemaShapeUtil.TryFind(inputSchema, _options.LabelColumnName, out var label))
        {
            columns.Add((_options.NormalizedLabelColumnName ?? _options.LabelColumnName + "Normalized",
                label.Kind == SchemaShape.Column.VectorKind.Scalar ? NumberDataViewType.Single : vector));
        }
        return SchemaShapeUtil.Append(inputSchema, columns.ToArray());
    }
}
