using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// Computes <see cref="ForecastingMetrics"/> from a scored data view: label and score columns of the same shape
/// (<c>Single</c>, or a known-size <c>Single</c> vector of h steps), plus an optional persistence column holding the
/// last observed value of the target (the window's last row), which is the "tomorrow = today" forecast for every step.
/// </summary>
/// <remarks>
/// Input columns: label (<c>Single</c> or <c>Vector&lt;Single&gt;</c> of h), score (same type as the label),
/// persistence (numeric scalar, optional). Rows or steps whose label is NaN (trailing windows with no label yet) are
/// skipped. A NaN score where the label is known is an error.
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
        var schema = scored.Schema;
        var label = GetSeriesColumn(schema, _options.LabelColumnName, "label");
        var score = GetSeriesColumn(schema, _options.ScoreColumnName, "score");
        int steps = StepCount(label);
        if (StepCount(score) != steps)
        {
            throw new ArgumentException(
                $"Score column '{score.Name}' has {StepCount(score)} value(s) per row but label column '{label.Name}' has {steps}. " +
                "Evaluate the score column produced by a model trained on this label.");
        }

        var persistence = FindPersistenceColumn(schema);
        var model = NewAccumulators(steps);
        var baseline = persistence is null ? null : NewAccumulators(steps);

        var active = new List<DataViewSchema.Column> { label, score };
        if (persistence is DataViewSchema.Column p)
            active.Add(p);
        using var cursor = scored.GetRowCursor(active);
        var labelGetter = SeriesGetter(cursor, label);
        var scoreGetter = SeriesGetter(cursor, score);
        var persistenceGetter = persistence is DataViewSchema.Column pc ? ScalarGetter(cursor, pc) : null;
        var labels = new float[steps];
        var scores = new float[steps];
        long row = -1;
        while (cursor.MoveNext())
        {
            row++;
            labelGetter(labels);
            scoreGetter(scores);
            double last = persistenceGetter?.Invoke() ?? double.NaN;
            for (int k = 0; k < steps; k++)
            {
                if (float.IsNaN(labels[k]))
                    continue;
                if (!float.IsFinite(scores[k]))
                {
                    throw new InvalidOperationException(
                        $"Score column '{score.Name}' is {scores[k]} at row {row}{(steps > 1 ? $", step {k + 1}" : "")} where label " +
                        $"column '{label.Name}' is {labels[k]}. Check the model's inputs for that row (NaN or infinite values in the window).");
                }
                model[k].Add(labels[k], scores[k]);
                if (baseline is not null)
                {
                    if (double.IsNaN(last))
                    {
                        throw new InvalidOperationException(
                            $"Persistence column '{persistence!.Value.Name}' is NaN at row {row}. Give a persistence column with the " +
                            "last observed target value of every labelled window, or set PersistenceColumnName to null.");
                    }
                    baseline[k].Add(labels[k], last);
                }
            }
        }

        if (model.All(a => a.Count == 0))
        {
            throw new InvalidOperationException(
                $"No row to evaluate: the data view has {row + 1} row(s) and none has a known value in label column " +
                $"'{label.Name}'. Evaluate windows that have labels (trailing windows past the end of the series have NaN labels).");
        }

        return new ForecastingMetrics(
            Combine(model),
            baseline is null ? null : Combine(baseline),
            model.Select(a => a.ToMetrics()).ToArray(),
            baseline?.Select(a => a.ToMetrics()).ToArray());
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

    private static ErrorAccumulator[] NewAccumulators(int steps) =>
        Enumerable.Range(0, steps).Select(_ => new ErrorAccumulator()).ToArray();

    private static ForecastingErrorMetrics Combine(ErrorAccumulator[] perStep)
    {
        var all = new ErrorAccumulator();
        foreach (var step in perStep)
            all.Merge(step);
        return all.ToMetrics();
    }

    /// <summary>Running sums for one set of pairs; the label's variance uses Welford's update (and Chan's merge).</summary>
    private sealed class ErrorAccumulator
    {
        public long Count;
        private double _absError, _sqError, _labelMean, _labelM2, _ape, _smape;
        private long _apeCount;

        public void Add(double label, double score)
        {
            double error = label - score;
            Count++;
            _absError += Math.Abs(error);
            _sqError += error * error;
            double delta = label - _labelMean;
            _labelMean += delta / Count;
            _labelM2 += delta * (label - _labelMean);
            if (label != 0)
            {
                _ape += Math.Abs(error / label);
                _apeCount++;
            }
            double denominator = Math.Abs(label) + Math.Abs(score);
            if (denominator > 0)
                _smape += 2 * Math.Abs(error) / denominator;
        }

        public void Merge(ErrorAccumulator other)
        {
            if (other.Count == 0)
                return;
            long total = Count + other.Count;
            double delta = other._labelMean - _labelMean;
            _labelM2 += other._labelM2 + delta * delta * Count * other.Count / total;
            _labelMean += delta * other.Count / total;
            Count = total;
            _absError += other._absError;
            _sqError += other._sqError;
            _ape += other._ape;
            _apeCount += other._apeCount;
            _smape += other._smape;
        }

        public ForecastingErrorMetrics ToMetrics()
        {
            if (Count == 0)
                return new ForecastingErrorMetrics(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
            double sst = _labelM2;
            return new ForecastingErrorMetrics(
                Count,
                _absError / Count,
                _sqError / Count,
                _apeCount == 0 ? double.NaN : 100 * _ape / _apeCount,
                100 * _smape / Count,
                sst > 0 ? 1 - _sqError / sst : double.NaN);
        }
    }
}
