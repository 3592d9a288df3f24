using MLNet.Lstm;
using MLNet.Lstm.Internal;

namespace Microsoft.ML;

/// <summary>Evaluation of forecasts on <see cref="ForecastingCatalog"/> (<c>mlContext.Forecasting.Evaluate</c>).</summary>
public static class ForecastingEvaluationCatalog
{
    /// <summary>
    /// Evaluates scored windows: MAE, MSE, RMSE, MAPE, sMAPE and R² of the score against the label, the same metrics for
    /// the persistence baseline ("the next value equals the last one") on the same windows, MASE against it, and
    /// per-step metrics for horizon h &gt; 1. Rows whose label is NaN (trailing windows) are skipped.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="data">Scored data, e.g. the output of a fitted forecasting model's <c>Transform</c>.</param>
    /// <param name="labelColumnName">The label column: <c>Single</c> or a vector of h <c>Single</c> values.</param>
    /// <param name="scoreColumnName">The score column, of the label's type.</param>
    /// <param name="persistenceColumnName">
    /// The column holding each window's last observed target value. When null, the target column named by the
    /// <c>Window</c> column's annotations is used if present; without one, persistence metrics are left out.
    /// </param>
    public static ForecastingMetrics Evaluate(
        this ForecastingCatalog catalog,
        IDataView data,
        string labelColumnName = "Label",
        string scoreColumnName = "Score",
        string? persistenceColumnName = null)
        => catalog.Evaluate(data, new ForecastingEvaluator.Options
        {
            LabelColumnName = labelColumnName,
            ScoreColumnName = scoreColumnName,
            PersistenceColumnName = persistenceColumnName,
        });

    /// <summary>Evaluates scored windows with explicit <see cref="ForecastingEvaluator.Options"/>.</summary>
    public static ForecastingMetrics Evaluate(this ForecastingCatalog catalog, IDataView data, ForecastingEvaluator.Options options)
    {
        Guard.NotNull(catalog, nameof(catalog));
        return new ForecastingEvaluator(options).Evaluate(data);
    }
}
