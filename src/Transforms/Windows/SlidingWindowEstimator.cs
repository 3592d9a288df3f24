using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// Turns a time-ordered table (one row per time step) into one row per sliding window, the way the Keras stock
/// tutorial's <c>DataLoader</c> does, as an ML.NET estimator. Create it with
/// <c>mlContext.Transforms.SlidingWindow(...)</c>.
/// </summary>
/// <remarks>
/// <para>Input columns: the F numeric scalar columns named by <see cref="Options.InputColumnNames"/> (Single, Double
/// or an integer type, converted to Single), time-ordered; any other columns.</para>
/// <para>Output columns: <see cref="Options.OutputColumnName"/> (<c>Vector&lt;Single&gt;</c> of T·F values,
/// dimensions <c>[T, F]</c>, time-major: index <c>t*F + f</c>, with the annotations of
/// <see cref="WindowAnnotations"/>); <see cref="Options.LabelColumnName"/> (<c>Single</c> for horizon 1, else
/// <c>Vector&lt;Single&gt;</c> of the <c>horizon</c> next target values; NaN where not known yet); with
/// <see cref="Options.FutureCovariateColumnNames"/>, <see cref="Options.FutureColumnName"/> (<c>Vector&lt;Single&gt;</c>
/// of h·C, dimensions <c>[h, C]</c>: the C covariates at the h label steps; NaN past the end of the data); every input
/// column (including the <see cref="Options.SeriesColumnName"/> key), with the value of the window's last row.</para>
/// <para>Windows come in time order (per key with <see cref="Options.SeriesColumnName"/>). Fitting learns nothing; it
/// checks the schema and that the series has at least T + h rows. Window count and rules: docs/windows.md, 'SlidingWindow'.</para>
/// </remarks>
public sealed class SlidingWindowEstimator : IEstimator<SlidingWindowTransformer>
{
    /// <summary>Parameters of <see cref="SlidingWindowEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>Name of the window column to produce. Default <c>Window</c>.</summary>
        public string OutputColumnName { get; set; } = "Window";

        /// <summary>The F numeric scalar input columns, in feature order. Required.</summary>
        public string[] InputColumnNames { get; set; } = Array.Empty<string>();

        /// <summary>T, the number of time steps of a window. At least 1.</summary>
        public int WindowSize { get; set; }

        /// <summary>h, how many steps ahead the label reaches. At least 1. Default 1.</summary>
        public int Horizon { get; set; } = 1;

        /// <summary>Name of the label column to produce. Default <c>Label</c>.</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>The column forecast by the label; one of <see cref="InputColumnNames"/>. Default: the first of them.</summary>
        public string? TargetColumnName { get; set; }

        /// <summary>Distance in rows between the last rows of two consecutive windows. At least 1. Default 1.</summary>
        public int Stride { get; set; } = 1;

        /// <summary>
        /// Also emit the trailing windows whose label is not (fully) known yet, with NaN for the unknown label values,
        /// to forecast past the end of the data. Default <see langword="false"/>.
        /// </summary>
        public bool IncludeUnlabeledTrailingWindows { get; set; }

        /// <summary>
        /// Skip the windows whose values or label contain NaN or infinity instead of failing. Default
        /// <see langword="false"/>: a non-finite input value is an error that names its row and column.
        /// </summary>
        public bool SkipNonFiniteWindows { get; set; }

        /// <summary>
        /// The series key column (text or integer) of a table holding several series, or <see langword="null"/> (the
        /// default) for one series. Windows never cross from one key to the next; the rows of a key must be contiguous
        /// and in time order (a key that reappears after another key is an error naming the key and the row). A key
        /// with fewer rows than one window needs is skipped (it yields no window). The key passes through to the output
        /// (the value of the window's last row) and is named on the window column by the
        /// <see cref="WindowAnnotations.WindowSeriesColumn"/> annotation.
        /// </summary>
        public string? SeriesColumnName { get; set; }

        /// <summary>
        /// Known-future covariate columns (C numeric scalar columns, e.g. calendar features), or <see langword="null"/>
        /// (the default) for none. For each window, their values at the h label steps fill
        /// <see cref="FutureColumnName"/> (<c>Vector&lt;Single&gt;</c> of h·C, dimensions <c>[h, C]</c>, time-major).
        /// They may also be <see cref="InputColumnNames"/>. In trailing unlabeled windows the steps past the end of the
        /// series (or of its key) are NaN.
        /// </summary>
        public string[]? FutureCovariateColumnNames { get; set; }

        /// <summary>Name of the future covariates column, when <see cref="FutureCovariateColumnNames"/> is set. Default <c>Future</c>.</summary>
        public string FutureColumnName { get; set; } = "Future";

        /// <summary>C, the number of future covariate columns (0 when none).</summary>
        internal int FutureCount => FutureCovariateColumnNames?.Length ?? 0;

        /// <summary>Rows needed for one window: T, plus h for its labels unless trailing unlabeled windows are emitted.</summary>
        internal int MinimumRows => IncludeUnlabeledTrailingWindows ? WindowSize : WindowSize + Horizon;

        internal Options Clone()
        {
            var copy = (Options)MemberwiseClone();
            copy.InputColumnNames = (string[])InputColumnNames.Clone();
            copy.FutureCovariateColumnNames = (string[]?)FutureCovariateColumnNames?.Clone();
            return copy;
        }

        /// <summary>
        /// The most values a window stream may hold: the cursor keeps (windowSize + horizon) rows of the F columns, and a
        /// window is a vector of windowSize x F values, both single arrays.
        /// </summary>
        internal const long MaxRingValues = 0x7FFFFFC7; // Array.MaxLength

        private void CheckSize()
        {
            long window = (long)WindowSize * InputColumnNames.Length;
            long ring = ((long)WindowSize + Horizon) * InputColumnNames.Length;
            if (ring > MaxRingValues)
            {
                throw new ArgumentOutOfRangeException(nameof(WindowSize), WindowSize,
                    $"SlidingWindow: windowSize {WindowSize} x {InputColumnNames.Length} column(s) = {window} values per window " +
                    $"(and (windowSize + horizon {Horizon}) x {InputColumnNames.Length} = {ring} values in the cursor's buffer) is more than one array can hold ({MaxRingValues}). " +
                    "Use a smaller windowSize (or horizon), or fewer input columns.");
            }
        }

        internal void Validate()
        {
            Guard.NotNullOrEmpty(OutputColumnName, nameof(OutputColumnName));
            Guard.NotEmpty(InputColumnNames, nameof(InputColumnNames));
            for (int i = 0; i < InputColumnNames.Length; i++)
                Guard.Check(!string.IsNullOrEmpty(InputColumnNames[i]), $"SlidingWindow: inputColumnNames[{i}] is null or empty; give the name of a numeric column.", nameof(InputColumnNames));
            var duplicate = InputColumnNames.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            Guard.Check(duplicate is null, $"SlidingWindow: input column '{duplicate?.Key}' is listed more than once in inputColumnNames; list each column once.", nameof(InputColumnNames));
            Guard.AtLeast(WindowSize, 1, "Give the number of time steps per window (windowSize), e.g. 50.", nameof(WindowSize));
            Guard.AtLeast(Horizon, 1, "The label is the value 'horizon' steps after the window's last row; use 1 for the next step.", nameof(Horizon));
            Guard.AtLeast(Stride, 1, "Use 1 for a window at every row, 2 for every other row, ...", nameof(Stride));
            CheckSize();
            Guard.NotNullOrEmpty(LabelColumnName, nameof(LabelColumnName));
            Guard.Check(LabelColumnName != OutputColumnName, $"SlidingWindow: the label column and the window column are both named '{OutputColumnName}'; give them different names.", nameof(LabelColumnName));
            string target = TargetColumnName ?? InputColumnNames[0];
            Guard.Check(Array.IndexOf(InputColumnNames, target) >= 0,
                $"SlidingWindow: the target column '{target}' is not one of inputColumnNames [{string.Join(", ", InputColumnNames)}]; add it to inputColumnNames or choose another targetColumnName.",
                nameof(TargetColumnName));
            ValidateSeriesAndFuture();
        }

        private void ValidateSeriesAndFuture()
        {
            Guard.Check(SeriesColumnName is null || SeriesColumnName.Length > 0,
                "SlidingWindow: seriesColumnName is empty; give the name of the series key column, or null for one series.", nameof(SeriesColumnName));
            Guard.Check(SeriesColumnName is null || (SeriesColumnName != OutputColumnName && SeriesColumnName != LabelColumnName),
                $"SlidingWindow: the series key column '{SeriesColumnName}' has the name of an output column; rename the window or label column.", nameof(SeriesColumnName));
            if (FutureCovariateColumnNames is null)
                return;
            Guard.NotEmpty(FutureCovariateColumnNames, nameof(FutureCovariateColumnNames));
            for (int i = 0; i < FutureCovariateColumnNames.Length; i++)
                Guard.Check(!string.IsNullOrEmpty(FutureCovariateColumnNames[i]), $"SlidingWindow: futureCovariateColumnNames[{i}] is null or empty; give the name of a numeric column.", nameof(FutureCovariateColumnNames));
            var duplicate = FutureCovariateColumnNames.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            Guard.Check(duplicate is null, $"SlidingWindow: future covariate column '{duplicate?.Key}' is listed more than once in FutureCovariateColumnNames; list each column once.", nameof(FutureCovariateColumnNames));
            Guard.NotNullOrEmpty(FutureColumnName, nameof(FutureColumnName));
            Guard.Check(FutureColumnName != OutputColumnName && FutureColumnName != LabelColumnName,
                $"SlidingWindow: the future covariates column '{FutureColumnName}' has the name of the window or label column; give it another FutureColumnName.", nameof(FutureColumnName));
        }
    }

    private readonly Options _options;

    /// <summary>Creates the estimator. Prefer <c>mlContext.Transforms.SlidingWindow(...)</c>.</summary>
    /// <param name="options">The parameters; copied.</param>
    public SlidingWindowEstimator(Options options)
    {
        Guard.NotNull(options);
        _options = options.Clone();
        _options.Validate();
    }

    /// <summary>The estimator's parameters (read-only use: the backtest reads the series key and horizon before fitting).</summary>
    internal Options Settings => _options;

    /// <summary>Validates the input and returns the (stateless) transformer.</summary>
    /// <param name="input">A time-ordered series, one row per step.</param>
    /// <returns>The fitted transformer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    /// <exception cref="InvalidOperationException">The series has fewer than T + h rows.</exception>
    public SlidingWindowTransformer Fit(IDataView input)
    {
        Guard.NotNull(input);
        var transformer = new SlidingWindowTransformer(_options);
        var binding = transformer.Bind(input.Schema);
        if (binding.PassThrough)
            return transformer;
        if (_options.SeriesColumnName is null)
        {
            CheckLength(input);
        }
        else
        {
            // Several series: at least one key must make a window; the cursor throws (too short, key order) otherwise.
            using var cursor = transformer.Transform(input).GetRowCursor(Array.Empty<DataViewSchema.Column>());
            cursor.MoveNext();
        }
        return transformer;
    }

    private void CheckLength(IDataView input)
    {
        int needed = _options.MinimumRows;
        long? count = input.GetRowCount();
        if (count is null)
        {
            long n = 0;
            using var cursor = input.GetRowCursor(Array.Empty<DataViewSchema.Column>());
            while (n < needed && cursor.MoveNext())
                n++;
            count = n;
        }
        if (count < needed)
            throw SlidingWindowTransformer.TooShort(_options, count.Value);
    }

    /// <summary>The schema of the transformed data, for pipeline validation.</summary>
    /// <param name="inputSchema">The input's schema shape.</param>
    /// <returns>The output's schema shape.</returns>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Guard.NotNull(inputSchema);
        var schema = SchemaShapeUtil.ToSchema(inputSchema);
        var transformer = new SlidingWindowTransformer(_options);
        var binding = transformer.Bind(schema);
        if (binding.PassThrough)
            return inputSchema;
        var output = binding.OutputSchema;
        var columns = new List<(string, DataViewType)>
        {
            (_options.OutputColumnName, output[binding.WindowColumn].Type),
            (_options.LabelColumnName, output[binding.LabelColumn].Type),
        };
        if (binding.FutureColumn >= 0)
            columns.Add((_options.FutureColumnName, output[binding.FutureColumn].Type));
        return SchemaShapeUtil.Append(inputSchema, columns.ToArray());
    }
}
