using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// Computes <see cref="ForecastingMetrics"/> from a scored data view, with the persistence ("tomorrow = today")
/// forecast as the baseline when a persistence column is given.
/// </summary>
/// <remarks>
/// Input columns: label (<c>Single</c> or <c>Vector&lt;Single&gt;</c> of h), score (same type as the label),
/// persistence (numeric scalar, optional), lower and upper bounds (same type as the label, optional: <c>LowerBound</c>
/// and <c>UpperBound</c> by default), quantiles (<c>Vector&lt;Single&gt;</c> of h·q, optional: <c>Quantiles</c> by
/// default). Rows or steps whose label is NaN (trailing windows with no label yet) are skipped. A non-finite score,
/// bound or quantile where the label is known, or a lower bound above the upper bound, is an error.
/// </remarks>
public sealed class ForecastingEvaluator
{
    /// <summary>Options of the evaluator.</summary>
    public sealed class Options
    {
        /// <summary>The label column (true values, in label units).</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>The score column (forecasts, in label units).</summary>
        public string ScoreColumnName { get; set; } = "Score";

        /// <summary>
        /// The column with the last observed value of the target for each window (the persistence forecast). When
        /// null, the evaluator looks for the target column named by the window column's annotations
        /// (<see cref="WindowColumnName"/>); when neither is found, persistence metrics are left out.
        /// </summary>
        public string? PersistenceColumnName { get; set; }

        /// <summary>The window column whose annotations name the target column, for finding the persistence column.</summary>
        public string WindowColumnName { get; set; } = "Window";

        /// <summary>
        /// The series key column of scored data over several series, for <see cref="ForecastingMetrics.PerSeries"/>;
        /// default null: the column named by the window column's <see cref="WindowAnnotations.WindowSeriesColumn"/>
        /// annotation (set by <c>SlidingWindow</c>'s <c>SeriesColumnName</c>), or no per-series metrics.
        /// </summary>
        public string? SeriesColumnName { get; set; }

        /// <summary>
        /// The column with the lower bound of the prediction interval (label's type, label units). When null, the column
        /// <c>LowerBound</c> is used if the scored data has one; a name given here must exist. Bounds give
        /// <see cref="ForecastingMetrics.Coverage"/> and <see cref="ForecastingMetrics.MeanIntervalWidth"/>.
        /// </summary>
        public string? LowerBoundColumnName { get; set; }

        /// <summary>The column with the upper bound (see <see cref="LowerBoundColumnName"/>); default <c>UpperBound</c> when present.</summary>
        public string? UpperBoundColumnName { get; set; }

        /// <summary>
        /// The nominal level of the interval [lower, upper] (e.g. 0.9 for a 90% interval), in (0, 1). Needed for the
        /// interval (Winkler) score, which uses α = 1 - level; without it <see cref="ForecastingMetrics.IntervalScore"/>
        /// is null. Setting it without bound columns is an error.
        /// </summary>
        public double? IntervalLevel { get; set; }

        /// <summary>
        /// The column with the quantile forecasts: <c>Vector&lt;Single&gt;</c> of h·q values, dimensions <c>[h, q]</c>,
        /// quantile-minor (index <c>k·q + j</c>). When null, the column <c>Quantiles</c> is used if present; a name
        /// given here must exist.
        /// </summary>
        public string? QuantilesColumnName { get; set; }

        /// <summary>
        /// The q levels (each in (0, 1), distinct) of the quantile column, in its order. Needed for
        /// <see cref="ForecastingMetrics.PinballLoss"/>; without them the pinball loss is null even when a quantile
        /// column exists. Setting them without a quantile column is an error.
        /// </summary>
        public float[]? QuantileLevels { get; set; }
    }

    private readonly Options _options;

    /// <summary>Creates an evaluator.</summary>
    public ForecastingEvaluator(Options options)
    {
        Guard.NotNull(options, nameof(options));
        Guard.NotNullOrEmpty(options.LabelColumnName, nameof(options.LabelColumnName));
        Guard.NotNullOrEmpty(options.ScoreColumnName, nameof(options.ScoreColumnName));
        _options = options;
    }

    /// <summary>Evaluates <paramref name="scored"/>.</summary>
    public ForecastingMetrics Evaluate(IDataView scored)
    {
        Guard.NotNull(scored, nameof(scored));
        var columns = BindColumns(scored.Schema);
        int steps = StepCount(columns.Label);
        ForecastingMetricsAccumulator NewAccumulator() => new(steps, columns.Names(), columns.Persistence is not null,
            columns.Lower is not null, _options.IntervalLevel, columns.Quantiles is null ? null : _options.QuantileLevels);
        var accumulator = NewAccumulator();
        var key = PerSeriesMetricsAccumulator.FindKey(scored.Schema, _options.SeriesColumnName, _options.WindowColumnName);

        using var cursor = scored.GetRowCursor(key is DataViewSchema.Column k ? columns.Active().Append(k).Distinct() : columns.Active());
        var perSeries = key is DataViewSchema.Column kc ? PerSeriesMetricsAccumulator.Create(cursor, kc, NewAccumulator) : null;
        var labelGetter = SeriesGetter(cursor, columns.Label);
        var scoreGetter = SeriesGetter(cursor, columns.Score);
        var persistenceGetter = columns.Persistence is DataViewSchema.Column pc ? ScalarGetter(cursor, pc) : null;
        var lowerGetter = columns.Lower is DataViewSchema.Column lc ? SeriesGetter(cursor, lc) : null;
        var upperGetter = columns.Upper is DataViewSchema.Column uc ? SeriesGetter(cursor, uc) : null;
        var quantileGetter = columns.Quantiles is DataViewSchema.Column qc ? SeriesGetter(cursor, qc) : null;
        var labels = new float[steps];
        var scores = new float[steps];
        var lower = lowerGetter is null ? null : new float[steps];
        var upper = upperGetter is null ? null : new float[steps];
        var quantiles = quantileGetter is null ? null : new float[StepCount(columns.Quantiles!.Value)];
        long row = -1;
        while (cursor.MoveNext())
        {
            row++;
            labelGetter(labels);
            scoreGetter(scores);
            lowerGetter?.Invoke(lower!);
            upperGetter?.Invoke(upper!);
            quantileGetter?.Invoke(quantiles!);
            double last = persistenceGetter?.Invoke() ?? double.NaN;
            accumulator.Add(labels, scores, last, lower, upper, quantiles, $"row {row}");
            perSeries?.Add(labels, scores, last, lower, upper, quantiles, $"row {row}");
        }

        if (accumulator.Count == 0)
        {
            throw new InvalidOperationException(
                $"No row to evaluate: the data view has {row + 1} row(s) and none has a known value in label column " +
                $"'{columns.Label.Name}'. Evaluate windows that have labels (trailing windows past the end of the series have NaN labels).");
        }
        var metrics = accumulator.ToMetrics();
        metrics.PerSeries = perSeries?.ToMetrics();
        return metrics;
    }

    /// <summary>The columns an evaluation reads.</summary>
    private sealed record BoundColumns(
        DataViewSchema.Column Label,
        DataViewSchema.Column Score,
        DataViewSchema.Column? Persistence,
        DataViewSchema.Column? Lower,
        DataViewSchema.Column? Upper,
        DataViewSchema.Column? Quantiles)
    {
        public IEnumerable<DataViewSchema.Column> Active() =>
            new[] { Label, Score, Persistence, Lower, Upper, Quantiles }.Where(c => c is not null).Select(c => c!.Value);

        public ForecastingMetricsAccumulator.Names Names() =>
            new(Label.Name, Score.Name, Persistence?.Name ?? "", Lower?.Name ?? "", Upper?.Name ?? "", Quantiles?.Name ?? "");
    }

    private BoundColumns BindColumns(DataViewSchema schema)
    {
        var label = GetSeriesColumn(schema, _options.LabelColumnName, "label");
        var score = GetSeriesColumn(schema, _options.ScoreColumnName, "score");
        int steps = StepCount(label);
        RequireSameSteps(score, label);
        var lower = FindOptionalColumn(schema, _options.LowerBoundColumnName, "LowerBound", "lower bound");
        var upper = FindOptionalColumn(schema, _options.UpperBoundColumnName, "UpperBound", "upper bound");
        if ((lower is null) != (upper is null))
        {
            var (has, lacks) = lower is null ? ("upper", "lower") : ("lower", "upper");
            throw new ArgumentException(
                $"The scored data has the {has} bound column '{(lower ?? upper)!.Value.Name}' but no {lacks} bound column " +
                $"('{(lacks == "lower" ? _options.LowerBoundColumnName ?? "LowerBound" : _options.UpperBoundColumnName ?? "UpperBound")}'). " +
                "Give both bound columns (LowerBoundColumnName and UpperBoundColumnName), or neither.");
        }
        if (lower is DataViewSchema.Column l && upper is DataViewSchema.Column u)
        {
            RequireSameSteps(l, label);
            RequireSameSteps(u, label);
        }
        if (_options.IntervalLevel is double level)
        {
            if (!(level > 0 && level < 1))
                throw new ArgumentOutOfRangeException(nameof(Options.IntervalLevel), level, $"IntervalLevel is {level}; it must be in (0, 1), e.g. 0.9 for a 90% interval.");
            if (lower is null)
                throw new ArgumentException($"IntervalLevel is {level} but the scored data has no bound columns (LowerBound/UpperBound). Evaluate a model with prediction bounds, name its bound columns, or leave IntervalLevel null.");
        }
        var quantiles = FindOptionalColumn(schema, _options.QuantilesColumnName, "Quantiles", "quantiles");
        CheckQuantiles(quantiles, steps);
        return new BoundColumns(label, score, FindPersistenceColumn(schema), lower, upper, quantiles);
    }

    private void CheckQuantiles(DataViewSchema.Column? quantiles, int steps)
    {
        if (_options.QuantileLevels is not float[] levels)
            return;
        if (levels.Length == 0 || levels.Any(t => !(t > 0 && t < 1)) || levels.Distinct().Count() != levels.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.QuantileLevels),
                $"QuantileLevels [{string.Join(", ", levels)}] must be one or more distinct values in (0, 1), e.g. [0.05, 0.5, 0.95].");
        }
        if (quantiles is not DataViewSchema.Column q)
        {
            throw new ArgumentException(
                $"QuantileLevels is set but the scored data has no quantile column ('{_options.QuantilesColumnName ?? "Quantiles"}'). " +
                "Evaluate a model with quantile forecasts, name its quantile column (QuantilesColumnName), or leave QuantileLevels null.");
        }
        if (StepCount(q) != steps * levels.Length)
        {
            throw new ArgumentException(
                $"Quantile column '{q.Name}' has {StepCount(q)} value(s) per row; with {steps} step(s) and {levels.Length} QuantileLevels it " +
                $"needs {steps * levels.Length} (dimensions [h, q], quantile-minor). Give the levels the model was trained with.");
        }
    }

    private static DataViewSchema.Column? FindOptionalColumn(DataViewSchema schema, string? explicitName, string defaultName, string role)
    {
        var column = schema.GetColumnOrNull(explicitName ?? defaultName);
        if (column is null && explicitName is not null)
        {
            throw new ArgumentException(
                $"The {role} column '{explicitName}' is not in the scored data. Columns: {string.Join(", ", schema.Select(c => c.Name))}. " +
                $"Pass the name of the {role} column, or null to use '{defaultName}' when present.");
        }
        return column is null ? null : GetSeriesColumn(schema, column.Value.Name, role);
    }

    private static void RequireSameSteps(DataViewSchema.Column column, DataViewSchema.Column label)
    {
        if (StepCount(column) != StepCount(label))
        {
            throw new ArgumentException(
                $"Column '{column.Name}' has {StepCount(column)} value(s) per row but label column '{label.Name}' has {StepCount(label)}. " +
                "Evaluate the columns produced by a model trained on this label.");
        }
    }

    private DataViewSchema.Column? FindPersistenceColumn(DataViewSchema schema)
    {
        if (_options.PersistenceColumnName is string explicitName)
        {
            var column = schema.GetColumnOrNull(explicitName)
                ?? throw new ArgumentException(
                    $"Persistence column '{explicitName}' is not in the scored data. Columns: {string.Join(", ", schema.Select(c => c.Name))}.");
            CheckScalar(column);
            return column;
        }

        if (schema.GetColumnOrNull(_options.WindowColumnName) is DataViewSchema.Column window
            && WindowAnnotations.TryGetWindowInfo(window, out var info)
            && schema.GetColumnOrNull(info.FeatureNames[info.TargetIndex]) is DataViewSchema.Column target
            && IsNumericScalar(target.Type))
        {
            return target;
        }
        return null;
    }

    private static DataViewSchema.Column GetSeriesColumn(DataViewSchema schema, string name, string role)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException(
                $"The {role} column '{name}' is not in the scored data. Columns: {string.Join(", ", schema.Select(c => c.Name))}. " +
                $"Pass the name of the {role} column.");
        bool ok = column.Type == NumberDataViewType.Single
            || column.Type is VectorDataViewType { ItemType: var t, IsKnownSize: true } && t == NumberDataViewType.Single;
        if (!ok)
        {
            throw new ArgumentException(
                $"The {role} column '{name}' has type {column.Type}; it must be Single or a known-size vector of Single.");
        }
        return column;
    }

    private static void CheckScalar(DataViewSchema.Column column)
    {
        if (!IsNumericScalar(column.Type))
        {
            throw new ArgumentException(
                $"Persistence column '{column.Name}' has type {column.Type}; it must be a numeric scalar (the last observed target value).");
        }
    }

    private static bool IsNumericScalar(DataViewType type) => type is NumberDataViewType;

    private static int StepCount(DataViewSchema.Column column) =>
        column.Type is VectorDataViewType vector ? vector.Size : 1;

    private static Action<float[]> SeriesGetter(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType)
        {
            var getter = row.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            return destination =>
            {
                getter(ref buffer);
                VectorValues.CopyExact(buffer, destination, "Forecasting evaluation", column.Name, row.Position);
            };
        }
        var scalar = row.GetGetter<float>(column);
        return destination =>
        {
            float value = 0;
            scalar(ref value);
            destination[0] = value;
        };
    }

    private static Func<double> ScalarGetter(DataViewRow row, DataViewSchema.Column column)
        => NumericColumnReader.CreateDouble(row, column, "Forecasting evaluation (persistence column)");
}
