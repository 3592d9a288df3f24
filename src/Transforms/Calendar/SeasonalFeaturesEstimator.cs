using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// Calendar features: sin/cos pairs of a row's position in a period (Fourier terms), so that known-future inputs such
/// as the month of year need no hand-written code. Create it with <c>mlContext.Transforms.SeasonalFeatures(...)</c>.
/// </summary>
/// <remarks>
/// <para>Input column: <see cref="Options.InputColumnName"/>, a numeric scalar (position = value mod period) or a
/// <c>DateTime</c> (periods 12, 7, 24, 4, 365 and 366 only: month, weekday, hour, quarter, day of year).</para>
/// <para>Output columns: for k = 1..<see cref="Options.Harmonics"/>, the <c>Single</c> scalars
/// <c>{OutputColumnName}Sin{k}</c> and <c>{OutputColumnName}Cos{k}</c> of 2πk·position/period, listed by
/// <see cref="OutputColumnNames"/>; pass them to <c>SlidingWindow</c>'s input or future covariate columns.</para>
/// <para>Errors: saving a transform over a <c>DateTime</c> column is a <see cref="NotSupportedException"/>. More:
/// docs/windows.md, 'SeasonalFeatures'.</para>
/// </remarks>
public sealed class SeasonalFeaturesEstimator : IEstimator<SeasonalFeaturesTransformer>
{
    /// <summary>Parameters of <see cref="SeasonalFeaturesEstimator"/>.</summary>
    public sealed class Options
    {
        /// <summary>Prefix of the output columns (<c>{prefix}Sin{k}</c>, <c>{prefix}Cos{k}</c>). Required.</summary>
        public string OutputColumnName { get; set; } = "";

        /// <summary>The numeric or DateTime input column. Required.</summary>
        public string InputColumnName { get; set; } = "";

        /// <summary>The period in rows (numeric input, at least 2) or the calendar period (DateTime input: 4, 7, 12, 24, 365 or 366).</summary>
        public int Period { get; set; }

        /// <summary>How many sin/cos pairs (k = 1..Harmonics). At least 1. Default 1.</summary>
        public int Harmonics { get; set; } = 1;

        internal Options Clone() => (Options)MemberwiseClone();

        internal void Validate()
        {
            Guard.NotNullOrEmpty(OutputColumnName, nameof(OutputColumnName));
            Guard.NotNullOrEmpty(InputColumnName, nameof(InputColumnName));
            Guard.AtLeast(Period, 2, "Give the number of rows (or calendar units) in one season, e.g. 12 for monthly data.", nameof(Period));
            Guard.AtLeast(Harmonics, 1, "Use 1 for one sin/cos pair; more pairs fit sharper seasonal shapes.", nameof(Harmonics));
            Guard.Check(2 * Harmonics <= Period, $"SeasonalFeatures: harmonics {Harmonics} is more than period {Period} / 2 can resolve; use at most {Period / 2}.", nameof(Harmonics));
        }
    }

    private readonly Options _options;

    /// <summary>Creates the estimator. Prefer <c>mlContext.Transforms.SeasonalFeatures(...)</c>.</summary>
    /// <param name="options">The parameters; copied.</param>
    public SeasonalFeaturesEstimator(Options options)
    {
        _options = Guard.NotNull(options).Clone();
        _options.Validate();
    }

    /// <summary>The output column names, in order: Sin1, Cos1, Sin2, Cos2, ...</summary>
    public IReadOnlyList<string> OutputColumnNames => SeasonalFeaturesTransformer.Names(_options);

    /// <summary>Checks the input column and returns the transformer (nothing is learned).</summary>
    /// <param name="input">The data.</param>
    /// <returns>The transformer.</returns>
    public SeasonalFeaturesTransformer Fit(IDataView input)
    {
        Guard.NotNull(input);
        return new SeasonalFeaturesTransformer(_options, input.Schema);
    }

    /// <summary>The schema of the transformed data.</summary>
    /// <param name="inputSchema">The input's schema shape.</param>
    /// <returns>The input plus the Single output columns.</returns>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        Guard.NotNull(inputSchema);
        if (!SchemaShapeUtil.TryFind(inputSchema, _options.InputColumnName, out var column))
            throw SeasonalFeaturesTransformer.Missing(_options.InputColumnName);
        SeasonalFeaturesTransformer.CheckInput(_options, column.ItemType, column.Kind == SchemaShape.Column.VectorKind.Scalar);
        return SchemaShapeUtil.Append(inputSchema, OutputColumnNames.Select(n => (n, (DataViewType)NumberDataViewType.Single)).ToArray());
    }
}
