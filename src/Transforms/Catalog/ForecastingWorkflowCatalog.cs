using MLNet.Lstm;
using MLNet.Lstm.Internal;

namespace Microsoft.ML;

/// <summary>
/// Forecasting workflows on <see cref="ForecastingCatalog"/>: <c>mlContext.Forecasting.Evaluate</c>, and
/// <see cref="SeriesForecaster"/>s for the prediction modes over a whole series and forecasts past its end.
/// </summary>
public static class ForecastingWorkflowCatalog
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

    /// <summary>
    /// Creates a <see cref="SeriesForecaster"/> for a fitted chain that starts with a <see cref="SlidingWindowTransformer"/>
    /// (e.g. <c>SlidingWindow → NormalizeWindows → Lstm</c>); the windowing is taken from it.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="model">The fitted chain.</param>
    /// <param name="scoreColumnName">The model's score column.</param>
    public static SeriesForecaster CreateSeriesForecaster(this ForecastingCatalog catalog, ITransformer model, string scoreColumnName = "Score")
    {
        Guard.NotNull(catalog, nameof(catalog));
        return SeriesForecaster.Create(model, scoreColumnName);
    }

    /// <summary>
    /// Loads a model zip saved with <c>mlContext.Model.Save</c> from a chain that starts with <c>SlidingWindow</c>, and
    /// creates a <see cref="SeriesForecaster"/> for it: the windowing parameters are read from the zip, so a reloaded
    /// model forecasts a raw series in one call. The zip is loaded and checked as
    /// <see cref="ForecastingModelCatalog.LoadModel(ForecastingCatalog, string)"/> does (a damaged or inconsistent
    /// file is an <see cref="InvalidDataException"/> naming the file and the entry). Dispose the forecaster to
    /// release the loaded model.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="modelPath">The model zip.</param>
    /// <param name="scoreColumnName">The model's score column.</param>
    public static SeriesForecaster LoadSeriesForecaster(this ForecastingCatalog catalog, string modelPath, string scoreColumnName = "Score")
    {
        Guard.NotNull(catalog, nameof(catalog));
        return SeriesForecaster.Load(modelPath, scoreColumnName);
    }
}
