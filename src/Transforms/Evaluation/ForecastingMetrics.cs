using System.Globalization;
using System.Text;

namespace MLNet.Lstm;

/// <summary>Point-forecast error metrics over a set of (label, score) pairs, in the label's units.</summary>
public sealed class ForecastingErrorMetrics
{
    internal ForecastingErrorMetrics(long count, double mae, double mse, double mape, double smape, double rSquared)
    {
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
}

/// <summary>
/// Metrics returned by <c>mlContext.Forecasting.Evaluate</c>: the model's errors, the persistence baseline's errors
/// ("the next value equals the last one") on the same windows, the scaled error against that baseline, and per-step
/// errors for multi-step (horizon h &gt; 1) models.
/// </summary>
public sealed class ForecastingMetrics
{
    internal ForecastingMetrics(
        ForecastingErrorMetrics overall,
        ForecastingErrorMetrics? persistence,
        IReadOnlyList<ForecastingErrorMetrics> perStep,
        IReadOnlyList<ForecastingErrorMetrics>? persistencePerStep)
    {
        Overall = overall;
        Persistence = persistence;
        PerStep = perStep;
        PersistencePerStep = persistencePerStep;
    }

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
        sb.Append(inv, $"pairs: {Count}");
        return sb.ToString();
    }
}
