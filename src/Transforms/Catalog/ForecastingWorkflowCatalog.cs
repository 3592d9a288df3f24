using MLNet.Lstm;
using MLNet.Lstm.Internal;

namespace Microsoft.ML;

/// <summary>
/// Forecasting workflows on <see cref="ForecastingCatalog"/>: <c>mlContext.Forecasting.Evaluate</c>,
/// <c>mlContext.Forecasting.Backtest</c>, and
/// <see cref="SeriesForecaster"/>s for the prediction modes over a whole series and forecasts past its end.
/// </summary>
public static class ForecastingWorkflowCatalog
{
    /// <summary>
    /// Evaluates scored windows: MAE, MSE, RMSE, MAPE, sMAPE and R² of the score against the label, the same metrics for
    /// the persistence baseline ("the next value equals the last one") on the same windows, MASE against it, and
    /// per-step metrics for horizon h &gt; 1. Rows whose label is NaN (trailing windows) are skipped. When the data has
    /// <c>LowerBound</c> and <c>UpperBound</c> columns, also the interval's coverage and mean width (the options
    /// overload renames them and adds the interval score and the pinball loss).
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

    /// <summary>
    /// Walk-forward backtest (Darts' <c>historical_forecasts</c> / <c>backtest</c>, neuralforecast's
    /// <c>cross_validation</c>): for folds starting at rows <paramref name="start"/>, <paramref name="start"/> +
    /// <paramref name="stride"/>, ..., fits <paramref name="pipeline"/> on the rows before the fold only, forecasts the
    /// fold's <paramref name="horizon"/> rows and compares them with the series. See <see cref="BacktestOptions"/>.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="pipeline">An estimator chain that starts with <c>mlContext.Transforms.SlidingWindow(...)</c>.</param>
    /// <param name="series">The series, one row per step in time order (the pipeline's input); with a series key, each key's rows contiguous.</param>
    /// <param name="start">Row index of the first forecast step of the first fold.</param>
    /// <param name="horizon">Steps forecast per fold.</param>
    /// <param name="stride">Rows between fold starts.</param>
    /// <param name="retrainEvery">0: fit once on the rows before <paramref name="start"/>; k: refit every k folds.</param>
    /// <returns>The folds, the metrics over them and the metrics of their last step.</returns>
    public static BacktestResult Backtest(this ForecastingCatalog catalog, IEstimator<ITransformer> pipeline, IDataView series,
        int start, int horizon = 1, int stride = 1, int retrainEvery = 0)
        => catalog.Backtest(pipeline, series, new BacktestOptions
        {
            Start = start,
            Horizon = horizon,
            Stride = stride,
            RetrainEvery = retrainEvery,
        });

    /// <summary>Walk-forward backtest with explicit <see cref="BacktestOptions"/>.</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="pipeline">An estimator chain that starts with <c>mlContext.Transforms.SlidingWindow(...)</c>.</param>
    /// <param name="series">The series, one row per step in time order (the pipeline's input); with a series key, each key's rows contiguous.</param>
    /// <param name="options">Where the folds start, their horizon, stride and refit cadence, and more.</param>
    /// <returns>The folds, the metrics over them and the metrics of their last step.</returns>
    /// <remarks>
    /// <para>Input: <paramref name="series"/> with the columns the pipeline's <c>SlidingWindow</c> reads (numeric
    /// scalars). Output: <see cref="BacktestResult.Folds"/> (forecast, actual and, for models with <c>LowerBound</c> /
    /// <c>UpperBound</c> columns, bounds per fold), <see cref="BacktestResult.Metrics"/> and
    /// <see cref="BacktestResult.LastPoints"/>.</para>
    /// <para>With several series (<c>SlidingWindow</c>'s <c>SeriesColumnName</c>) the folds are made per series (row
    /// indices within each series, one global fit on the rows before s of every series), and the metrics are pooled,
    /// with each series' metrics in <see cref="ForecastingMetrics.PerSeries"/>; with known-future covariates each fold
    /// reads them from its own rows. See <see cref="BacktestOptions"/>.</para>
    /// <para>No fold reads a row at or after its start, except the other input columns of the forecast rows under
    /// <see cref="CovariatePolicy.FromCaller"/>. Incomplete folds at the end of the series are dropped.</para>
    /// </remarks>
    public static BacktestResult Backtest(this ForecastingCatalog catalog, IEstimator<ITransformer> pipeline, IDataView series, BacktestOptions options)
    {
        Guard.NotNull(catalog, nameof(catalog));
        return MLNet.Lstm.Backtest.Run(pipeline, series, options);
    }
}
