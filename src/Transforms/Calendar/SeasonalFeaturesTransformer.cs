using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// The fitted (stateless) calendar features: sin/cos pairs of the input's position in the period. See
/// <see cref="SeasonalFeaturesEstimator"/> for the columns, the DateTime periods and saving.
/// </summary>
public sealed class SeasonalFeaturesTransformer : ITransformer
{
    private static readonly int[] DateTimePeriods = { 4, 7, 12, 24, 365, 366 };
    private readonly SeasonalFeaturesEstimator.Options _options;
    private readonly ITransformer? _numeric; // the built-in chain, for a numeric input

    internal SeasonalFeaturesTransformer(SeasonalFeaturesEstimator.Options options, DataViewSchema inputSchema)
    {
        _options = options.Clone();
        var column = inputSchema.GetColumnOrNull(options.InputColumnName) ?? throw Missing(options.InputColumnName);
        IsDateTime = CheckInput(_options, column.Type, true);
        if (!IsDateTime)
            _numeric = BuildNumericChain(inputSchema);
    }

    /// <summary>The output column names, in order: <c>{prefix}Sin1</c>, <c>{prefix}Cos1</c>, <c>{prefix}Sin2</c>, ...</summary>
    public IReadOnlyList<string> OutputColumnNames => Names(_options);

    /// <summary>The input column.</summary>
    public string InputColumnName => _options.InputColumnName;

    /// <summary>The period.</summary>
    public int Period => _options.Period;

    /// <summary>The number of sin/cos pairs.</summary>
    public int Harmonics => _options.Harmonics;

    /// <summary>Whether the input is a DateTime column (such a transformer cannot be saved).</summary>
    public bool IsDateTime { get; }

    /// <summary>Always true: one output row per input row.</summary>
    public bool IsRowToRowMapper => true;

    internal static string[] Names(SeasonalFeaturesEstimator.Options o) => Enumerable.Range(1, o.Harmonics)
        .SelectMany(k => new[] { $"{o.OutputColumnName}Sin{k}", $"{o.OutputColumnName}Cos{k}" }).ToArray();

    internal static ArgumentOutOfRangeException Missing(string name) => new("input",
        $"SeasonalFeatures: input column '{name}' was not found. Give a numeric (row index) or DateTime column.");

    /// <summary>Checks the input type; returns whether it is a DateTime.</summary>
    internal static bool CheckInput(SeasonalFeaturesEstimator.Options o, DataViewType type, bool scalar)
    {
        if (scalar && type is DateTimeDataViewType)
        {
            if (Array.IndexOf(DateTimePeriods, o.Period) < 0)
            {
                throw new ArgumentOutOfRangeException("period", o.Period,
                    $"SeasonalFeatures: period {o.Period} has no calendar meaning for DateTime column '{o.InputColumnName}'; use 12 (month of year), 7 (day of week), " +
                    "24 (hour of day), 4 (quarter) or 365/366 (day of year), or give a numeric index column for any other period.");
            }
            return true;
        }
        if (!scalar || type is not NumberDataViewType)
        {
            throw new ArgumentOutOfRangeException("input",
                $"SeasonalFeatures: input column '{o.InputColumnName}' has type {type}; it must be a numeric scalar (a row index) or a DateTime.");
        }
        return false;
    }

    /// <summary>Position of a DateTime in the period (0-based).</summary>
    internal static int Position(DateTime d, int period) => period switch
    {
        12 => d.Month - 1,
        7 => (int)d.DayOfWeek,
        24 => d.Hour,
        4 => (d.Month - 1) / 3,
        _ => d.DayOfYear - 1,
    };

    private ITransformer BuildNumericChain(DataViewSchema inputSchema)
    {
        var ml = new MLContext();
        string temp = $"{_options.OutputColumnName}.seasonal_position";
        var inv = CultureInfo.InvariantCulture;
        string p = _options.Period.ToString(inv);
        IEstimator<ITransformer> chain = ml.Transforms.Conversion.ConvertType(temp, _options.InputColumnName, DataKind.Single);
        for (int k = 1; k <= _options.Harmonics; k++)
        {
            // angle = 2πk·(x mod p)/p with x mod p = x - floor(x / p)·p, in single precision.
            string angle = $"{(2 * Math.PI * k).ToString("R", inv)} * (x - floor(x / {p}) * {p}) / {p}";
            chain = chain.Append(ml.Transforms.Expression($"{_options.OutputColumnName}Sin{k}", $"x : sin({angle})", temp))
                .Append(ml.Transforms.Expression($"{_options.OutputColumnName}Cos{k}", $"x : cos({angle})", temp));
        }
        return chain.Append(ml.Transforms.DropColumns(temp)).Fit(new EmptyDataView(inputSchema));
    }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _numeric?.GetOutputSchema(inputSchema) ?? new DateTimeMapper(this, inputSchema).OutputSchema;

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        Guard.NotNull(input);
        if (_numeric is not null)
            return _numeric.Transform(input);
        var mapper = new DateTimeMapper(this, input.Schema);
        return new MappedDataView(input, mapper, (cursor, columns) => mapper.GetRow(cursor, columns) as DataViewRowCursor ?? throw new InvalidOperationException());
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        => _numeric?.GetRowToRowMapper(inputSchema) ?? new DateTimeMapper(this, inputSchema);

    /// <summary>Saves the built-in chain (numeric input).</summary>
    /// <exception cref="NotSupportedException">The input is a DateTime column.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        if (_numeric is null)
        {
            throw new NotSupportedException(
                $"SeasonalFeatures over the DateTime column '{InputColumnName}' cannot be saved: ONNX and ML.NET's saved transforms have no DateTime arithmetic. " +
                "Apply SeasonalFeatures to the data before the saved chain (transform the data, then fit and save the rest), or give it a numeric row-index column, which saves.");
        }
        ((ICanSaveModel)_numeric).Save(ctx);
    }

    /// <summary>The DateTime path: the position in the period, then sin/cos in single precision.</summary>
    private sealed class DateTimeMapper : IRowToRowMapper
    {
        private readonly SeasonalFeaturesTransformer _parent;
        private readonly int _input;

        public DateTimeMapper(SeasonalFeaturesTransformer parent, DataViewSchema inputSchema)
        {
            _parent = parent;
            InputSchema = inputSchema;
            var column = inputSchema.GetColumnOrNull(parent.InputColumnName) ?? throw Missing(parent.InputColumnName);
            if (!CheckInput(parent._options, column.Type, true))
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"SeasonalFeatures: column '{parent.InputColumnName}' was a DateTime when fitted but is {column.Type} here.");
            _input = column.Index;
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(inputSchema);
            foreach (var name in parent.OutputColumnNames)
                builder.AddColumn(name, NumberDataViewType.Single);
            OutputSchema = builder.ToSchema();
        }

        public DataViewSchema InputSchema { get; }

        public DataViewSchema OutputSchema { get; }

        public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
            => dependingColumns.Any(c => c.Index >= InputSchema.Count)
                ? dependingColumns.Where(c => c.Index < InputSchema.Count).Append(InputSchema[_input]).Distinct()
                : dependingColumns.Where(c => c.Index < InputSchema.Count);

        public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) => new Row(this, input, activeColumns);

        private sealed class Row : MappedRow
        {
            private readonly DateTimeMapper _mapper;

            public Row(DateTimeMapper mapper, DataViewRow input, IEnumerable<DataViewSchema.Column> active)
                : base(input, mapper.OutputSchema, active) => _mapper = mapper;

            protected override string Component => "SeasonalFeatures";

            protected override Delegate MakeGetter(DataViewSchema.Column column)
            {
                var source = Input.GetGetter<DateTime>(Input.Schema[_mapper._input]);
                int index = column.Index - InputColumnCount, k = index / 2 + 1, period = _mapper._parent.Period;
                bool sin = index % 2 == 0;
                DateTime d = default;
                return (ValueGetter<float>)((ref float value) =>
                {
                    source(ref d);
                    float angle = (float)(2 * Math.PI * k) * Position(d, period) / period;
                    value = sin ? MathF.Sin(angle) : MathF.Cos(angle);
                });
            }
        }
    }
}
