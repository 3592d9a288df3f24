namespace MLNet.Lstm;

/// <summary>
/// The one implementation of the forecasting metrics: running sums over (label, score) pairs per forecast step, for
/// the model, the persistence baseline and, when given, the prediction interval and the quantiles. Used by
/// <see cref="ForecastingEvaluator"/> (rows of a scored data view) and by the backtest (folds).
/// </summary>
internal sealed class ForecastingMetricsAccumulator
{
    /// <summary>The names used in error messages.</summary>
    internal sealed record Names(string Label, string Score, string Persistence, string Lower, string Upper, string Quantiles);

    private readonly int _steps;
    private readonly Names _names;
    private readonly double? _intervalLevel;
    private readonly float[]? _quantileLevels;
    private readonly ErrorAccumulator[] _model;
    private readonly ErrorAccumulator[]? _baseline;
    private readonly IntervalAccumulator[]? _interval;

    /// <param name="steps">h, values per row.</param>
    /// <param name="names">Column names for messages.</param>
    /// <param name="withPersistence">Whether rows carry the last observed value.</param>
    /// <param name="withBounds">Whether rows carry lower and upper bounds.</param>
    /// <param name="intervalLevel">The bounds' nominal level in (0, 1), for the interval score; null leaves it out.</param>
    /// <param name="quantileLevels">The levels of the quantile values (q of them); null leaves the pinball loss out.</param>
    public ForecastingMetricsAccumulator(int steps, Names names, bool withPersistence, bool withBounds, double? intervalLevel, float[]? quantileLevels)
    {
        _steps = steps;
        _names = names;
        _intervalLevel = intervalLevel;
        _quantileLevels = quantileLevels;
        _model = Enumerable.Range(0, steps).Select(_ => new ErrorAccumulator()).ToArray();
        _baseline = withPersistence ? Enumerable.Range(0, steps).Select(_ => new ErrorAccumulator()).ToArray() : null;
        _interval = withBounds || quantileLevels is not null
            ? Enumerable.Range(0, steps).Select(_ => new IntervalAccumulator()).ToArray()
            : null;
    }

    /// <summary>Number of pairs added (labels that were not NaN).</summary>
    public long Count => _model.Sum(a => a.Count);

    /// <summary>
    /// Adds one row of h steps. Steps whose label is NaN are skipped; a non-finite score, bound or quantile where the
    /// label is known, a NaN persistence value, or a lower bound above the upper bound is an error naming
    /// <paramref name="location"/> (e.g. "row 3").
    /// </summary>
    /// <param name="labels">h labels.</param>
    /// <param name="scores">h scores.</param>
    /// <param name="last">The last observed value (persistence forecast); ignored without persistence.</param>
    /// <param name="lower">h lower bounds, or null without bounds.</param>
    /// <param name="upper">h upper bounds, or null without bounds.</param>
    /// <param name="quantiles">h·q quantile values, quantile-minor, or null without quantile levels.</param>
    /// <param name="location">Where the row comes from, for messages.</param>
    public void Add(float[] labels, float[] scores, double last, float[]? lower, float[]? upper, float[]? quantiles, string location)
    {
        for (int k = 0; k < _steps; k++)
        {
            if (float.IsNaN(labels[k]))
                continue;
            string at = _steps > 1 ? $"{location}, step {k + 1}" : location;
            RequireFinite(scores[k], "Score", _names.Score, at, labels[k]);
            _model[k].Add(labels[k], scores[k]);
            if (_baseline is not null)
            {
                if (double.IsNaN(last))
                {
                    throw new InvalidOperationException(
                        $"Persistence column '{_names.Persistence}' is NaN at {location}. Give a persistence column with the " +
                        "last observed target value of every labelled window, or set PersistenceColumnName to null.");
                }
                _baseline[k].Add(labels[k], last);
            }
            if (_interval is not null)
                AddInterval(k, labels[k], lower, upper, quantiles, at);
        }
    }

    private void AddInterval(int k, float label, float[]? lower, float[]? upper, float[]? quantiles, string at)
    {
        var interval = _interval![k];
        if (lower is not null && upper is not null)
        {
            RequireFinite(lower[k], "Lower bound", _names.Lower, at, label);
            RequireFinite(upper[k], "Upper bound", _names.Upper, at, label);
            if (lower[k] > upper[k])
            {
                throw new InvalidOperationException(
                    $"Lower bound column '{_names.Lower}' is {lower[k]}, above upper bound column '{_names.Upper}' ({upper[k]}) at {at}. " +
                    "The bounds are swapped or the model's quantiles cross; check the bound column names and the model.");
            }
            interval.AddBounds(label, lower[k], upper[k], _intervalLevel);
        }
        if (quantiles is not null && _quantileLevels is not null)
        {
            int q = _quantileLevels.Length;
            double sum = 0;
            for (int j = 0; j < q; j++)
            {
                float value = quantiles[k * q + j];
                RequireFinite(value, "Quantiles", _names.Quantiles, at, label);
                sum += Pinball(label, value, _quantileLevels[j]);
            }
            interval.AddPinball(sum / q);
        }
    }

    private void RequireFinite(float value, string role, string column, string at, float label)
    {
        if (!float.IsFinite(value))
        {
            throw new InvalidOperationException(
                $"{role} column '{column}' is {value} at {at} where label column '{_names.Label}' is {label}. " +
                "Check the model's inputs for that row (NaN or infinite values in the window).");
        }
    }

    /// <summary>The pinball (quantile) loss of forecast <paramref name="q"/> at level <paramref name="tau"/>.</summary>
    internal static double Pinball(double label, double q, double tau)
    {
        double error = label - q;
        return error >= 0 ? tau * error : (tau - 1) * error;
    }

    /// <summary>The interval (Winkler) score of [lower, upper] at nominal level 1 - alpha.</summary>
    internal static double Winkler(double label, double lower, double upper, double alpha)
    {
        double score = upper - lower;
        if (label < lower)
            score += 2 / alpha * (lower - label);
        else if (label > upper)
            score += 2 / alpha * (label - upper);
        return score;
    }

    /// <summary>The metrics of everything added so far.</summary>
    public ForecastingMetrics ToMetrics()
    {
        var perStep = Enumerable.Range(0, _steps).Select(k => ToMetrics(_model[k], _interval?[k])).ToArray();
        var all = new ErrorAccumulator();
        var allInterval = _interval is null ? null : new IntervalAccumulator();
        for (int k = 0; k < _steps; k++)
        {
            all.Merge(_model[k]);
            allInterval?.Merge(_interval![k]);
        }
        ForecastingErrorMetrics? persistence = null;
        ForecastingErrorMetrics[]? persistencePerStep = null;
        if (_baseline is not null)
        {
            persistencePerStep = _baseline.Select(a => ToMetrics(a, null)).ToArray();
            var baselineAll = new ErrorAccumulator();
            foreach (var step in _baseline)
                baselineAll.Merge(step);
            persistence = ToMetrics(baselineAll, null);
        }
        return new ForecastingMetrics(ToMetrics(all, allInterval), persistence, perStep, persistencePerStep, _intervalLevel, _quantileLevels);
    }

    private ForecastingErrorMetrics ToMetrics(ErrorAccumulator errors, IntervalAccumulator? interval) =>
        errors.ToMetrics(interval?.ToMetrics(_intervalLevel is not null));

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

        public ForecastingErrorMetrics ToMetrics(IntervalMetrics? interval)
        {
            if (Count == 0)
                return new ForecastingErrorMetrics(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, interval);
            double sst = _labelM2;
            return new ForecastingErrorMetrics(
                Count,
                _absError / Count,
                _sqError / Count,
                _apeCount == 0 ? double.NaN : 100 * _ape / _apeCount,
                100 * _smape / Count,
                sst > 0 ? 1 - _sqError / sst : double.NaN,
                interval);
        }
    }

    /// <summary>Running sums of the interval and quantile metrics for one set of pairs.</summary>
    private sealed class IntervalAccumulator
    {
        private long _count, _covered, _pinballCount;
        private double _width, _winkler, _pinball;

        public void AddBounds(double label, double lower, double upper, double? level)
        {
            _count++;
            if (label >= lower && label <= upper)
                _covered++;
            _width += upper - lower;
            if (level is double l)
                _winkler += Winkler(label, lower, upper, 1 - l);
        }

        public void AddPinball(double meanOverLevels)
        {
            _pinballCount++;
            _pinball += meanOverLevels;
        }

        public void Merge(IntervalAccumulator other)
        {
            _count += other._count;
            _covered += other._covered;
            _width += other._width;
            _winkler += other._winkler;
            _pinballCount += other._pinballCount;
            _pinball += other._pinball;
        }

        public IntervalMetrics ToMetrics(bool withLevel)
        {
            bool bounds = _count > 0;
            return new IntervalMetrics(
                bounds ? (double)_covered / _count : null,
                bounds ? _width / _count : null,
                bounds && withLevel ? _winkler / _count : null,
                _pinballCount > 0 ? _pinball / _pinballCount : null);
        }
    }
}

/// <summary>The interval and quantile metrics of one set of pairs (each null when not computed).</summary>
internal sealed record IntervalMetrics(double? Coverage, double? MeanIntervalWidth, double? IntervalScore, double? PinballLoss);
