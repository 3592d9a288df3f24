using System.Globalization;
using System.Text;

namespace MLNet.Lstm;

/// <summary>
/// Point-forecast error metrics over a set of (label, score) pairs, in the label's units, and the interval and quantile
/// metrics when the scored data has prediction bounds or quantiles.
/// </summary>
public sealed class ForecastingErrorMetrics
{
    internal ForecastingErrorMetrics(long count, double mae, double mse, double mape, double smape, double rSquared, IntervalMetrics? interval = null)
    {
        Coverage = interval?.Coverage;
        MeanIntervalWidth = interval?.MeanIntervalWidth;
        IntervalScore = interval?.IntervalScore;
        PinballLoss = interval?.PinballLoss;
        Count = count;
        MeanAbsoluteError = mae;
        MeanSquaredError = mse;
        MeanAbsolutePercentageError = mape;
        SymmetricMeanAbsolutePercentageError = smape;
        RSquared = rSquared;
    }

    /// <summary>Number of (label, score) pairs the metrics were computed on (NaN labels are skipped).</summary>
    public long Count { get; }

    /// <summary>Mean absolute error: mean of |y - ŷ|.</summary>
    public double MeanAbsoluteError { get; }

    /// <summary>Mean squared error: mean of (y - ŷ)².</summary>
    public double MeanSquaredError { get; }

    /// <summary>Root of <see cref="MeanSquaredError"/>.</summary>
    public double RootMeanSquaredError => Math.Sqrt(MeanSquaredError);

    /// <summary>
    /// Mean absolute percentage error, in percent: 100 · mean of |y - ŷ| / |y| over the pairs whose label is not zero
    /// (NaN when every label is zero).
    /// </summary>
    public double MeanAbsolutePercentageError { get; }

    /// <summary>
    /// Symmetric mean absolute percentage error, in percent (0 to 200): 100 · mean of 2|y - ŷ| / (|y| + |ŷ|); a pair with
    /// y = ŷ = 0 counts as 0.
    /// </summary>
    public double SymmetricMeanAbsolutePercentageError { get; }

    /// <summary>Coefficient of determination: 1 - SSE / SST (NaN when every label is equal).</summary>
    public double RSquared { get; }

    /// <summary>
    /// Empirical coverage of the prediction interval: the share (0 to 1) of the pairs whose label lies in
    /// [lower bound, upper bound], bounds included. Null without bound columns.
    /// </summary>
    public double? Coverage { get; }

    /// <summary>Mean of upper bound - lower bound, in label units. Null without bound columns.</summary>
    public double? MeanIntervalWidth { get; }

    /// <summary>
    /// Mean interval (Winkler) score of the bounds at the nominal level 1 - α (<c>IntervalLevel</c>):
    /// (u - l) + (2/α)(l - y) when y &lt; l, + (2/α)(y - u) when y &gt; u; lower is better, in label units. Null
    /// without bound columns or without a nominal level.
    /// </summary>
    public double? IntervalScore { get; }

    /// <summary>
    /// Mean pinball (quantile) loss over the pairs and the quantile levels τ: τ(y - q) when y ≥ q, else (1 - τ)(q - y),
    /// in label units. Null without a quantile column and its levels.
    /// </summary>
    public double? PinballLoss { get; }
}

/// <summary>
/// Metrics returned by <c>mlContext.Forecasting.Evaluate</c>: the model's errors, the persistence baseline's errors
/// ("the next value equals the last one") on the same windows, the scaled error against that baseline, and per-step
/// errors for multi-step (horizon h &gt; 1) models; and, when the scored data has prediction bounds or quantiles, the
/// interval metrics (<see cref="Coverage"/>, <see cref="MeanIntervalWidth"/>, <see cref="IntervalScore"/>,
/// <see cref="PinballLoss"/>).
/// </summary>
public sealed class ForecastingMetrics
{
    internal ForecastingMetrics(
        ForecastingErrorMetrics overall,
        ForecastingErrorMetrics? persistence,
        IReadOnlyList<ForecastingErrorMetrics> perStep,
        IReadOnlyList<ForecastingErrorMetrics>? persistencePerStep,
        double? intervalLevel = null,
        IReadOnlyList<float>? quantileLevels = null)
    {
        IntervalLevel = intervalLevel;
        QuantileLevels = quantileLevels;
        Overall = overall;
        Persistence = persistence;
        PerStep = perStep;
        PersistencePerStep = persistencePerStep;
    }

    /// <summary>
    /// With several series (a series key column: <c>SlidingWindow</c>'s <c>SeriesColumnName</c>), the metrics of each
    /// series by key (the properties above are then the pooled metrics over all series); otherwise null.
    /// </summary>
    public IReadOnlyDictionary<string, ForecastingMetrics>? PerSeries { get; internal set; }

    /// <summary>The model's errors over every step of every labelled window.</summary>
    public ForecastingErrorMetrics Overall { get; }

    /// <summary>Number of (label, score) pairs evaluated.</summary>
    public long Count => Overall.Count;

    /// <summary>Mean absolute error of the model.</summary>
    public double MeanAbsoluteError => Overall.MeanAbsoluteError;

    /// <summary>Mean squared error of the model.</summary>
    public double MeanSquaredError => Overall.MeanSquaredError;

    /// <summary>Root mean squared error of the model.</summary>
    public double RootMeanSquaredError => Overall.RootMeanSquaredError;

    /// <summary>Mean absolute percentage error of the model, in percent.</summary>
    public double MeanAbsolutePercentageError => Overall.MeanAbsolutePercentageError;

    /// <summary>Symmetric mean absolute percentage error of the model, in percent.</summary>
    public double SymmetricMeanAbsolutePercentageError => Overall.SymmetricMeanAbsolutePercentageError;

    /// <summary>Coefficient of determination of the model.</summary>
    public double RSquared => Overall.RSquared;

    /// <summary>
    /// The persistence baseline's errors on the same windows, or null when no persistence column was given or found.
    /// </summary>
    public ForecastingErrorMetrics? Persistence { get; }

    /// <summary>
    /// Mean absolute scaled error against persistence: the model's MAE divided by the persistence baseline's MAE on the
    /// same windows. Below 1 the model beats "tomorrow = today". Null without a persistence baseline.
    /// </summary>
    public double? MeanAbsoluteScaledError => Persistence is null ? null : MeanAbsoluteError / Persistence.MeanAbsoluteError;

    /// <summary>Errors per forecast step (one entry for horizon 1; entry k is step k + 1).</summary>
    public IReadOnlyList<ForecastingErrorMetrics> PerStep { get; }

    /// <summary>The persistence baseline's errors per forecast step, or null without a baseline.</summary>
    public IReadOnlyList<ForecastingErrorMetrics>? PersistencePerStep { get; }

    /// <summary>
    /// Share (0 to 1) of the pairs whose label lies within [lower bound, upper bound]; compare it with
    /// <see cref="IntervalLevel"/>. Null when the scored data has no bound columns. Per step in <see cref="PerStep"/>.
    /// </summary>
    public double? Coverage => Overall.Coverage;

    /// <summary>Mean width of the prediction interval, in label units; null without bound columns.</summary>
    public double? MeanIntervalWidth => Overall.MeanIntervalWidth;

    /// <summary>
    /// Mean interval (Winkler) score at α = 1 - <see cref="IntervalLevel"/> (see
    /// <see cref="ForecastingErrorMetrics.IntervalScore"/>); null without bounds or without a nominal level.
    /// </summary>
    public double? IntervalScore => Overall.IntervalScore;

    /// <summary>Mean pinball loss over the pairs and <see cref="QuantileLevels"/>; null without quantiles and their levels.</summary>
    public double? PinballLoss => Overall.PinballLoss;

    /// <summary>The nominal level of the prediction interval the metrics were computed for (e.g. 0.9), or null when not given.</summary>
    public double? IntervalLevel { get; }

    /// <summary>The quantile levels the pinball loss was computed for, or null.</summary>
    public IReadOnlyList<float>? QuantileLevels { get; }

    /// <summary>A small text table of the model's metrics next to the persistence baseline's.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"{"metric",-8} {"model",14} {"persistence",14}");
        void Row(string name, double model, double? baseline) =>
            sb.AppendLine(inv, $"{name,-8} {model,14:G6} {(baseline is double b ? b.ToString("G6", inv) : "-"),14}");
        Row("MAE", MeanAbsoluteError, Persistence?.MeanAbsoluteError);
        Row("RMSE", RootMeanSquaredError, Persistence?.RootMeanSquaredError);
        Row("MAPE %", MeanAbsolutePercentageError, Persistence?.MeanAbsolutePercentageError);
        Row("sMAPE %", SymmetricMeanAbsolutePercentageError, Persistence?.SymmetricMeanAbsolutePercentageError);
        Row("R2", RSquared, Persistence?.RSquared);
        Row("MASE", MeanAbsoluteScaledError ?? double.NaN, Persistence is null ? null : 1.0);
        if (Coverage is double coverage)
        {
            string nominal = IntervalLevel is double level ? $" (nominal {level.ToString("G6", inv)})" : "";
            sb.AppendLine(inv, $"{"coverage",-8} {coverage,14:G6} {"-",14}{nominal}");
            Row("width", MeanIntervalWidth!.Value, null);
        }
        if (IntervalScore is double winkler)
            Row("Winkler", winkler, null);
        if (PinballLoss is double pinball)
            Row("pinball", pinball, null);
        sb.Append(inv, $"pairs: {Count}");
        return sb.ToString();
    }
}
