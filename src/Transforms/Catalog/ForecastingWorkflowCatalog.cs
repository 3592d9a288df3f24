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
    /// Evaluates scored windows: error metrics of the score against the label, the same for the persistence baseline,
    /// MASE against it, per-step metrics for horizon h &gt; 1, and interval metrics when the data has
    /// <c>LowerBound</c> and <c>UpperBound</c>. Rows whose label is NaN are skipped. The metrics:
    /// docs/intervals-and-backtesting.md, 'The metrics'.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="data">Scored data, e.g. the output of a fitted forecasting model's <c>Transform</c>.</param>
    /// <param name="labelColumnName">The label column: <c>Single</c> or a vector of h <c>Single</c> values.</param>
    /// <param name="scoreColumnName">The score column, of the label's type.</param>
    /// <param name="persistenceColumnName">Each window's last observed target value; null: the target column named by
    /// the window's annotations, else no persistence metrics.</param>
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
    /// Loads a model zip (a chain that starts with <c>SlidingWindow</c>) as
    /// <see cref="ForecastingModelCatalog.LoadModel(ForecastingCatalog, string)"/> does and creates a
    /// <see cref="SeriesForecaster"/> for it, with the windowing read from the zip. Dispose it to release the model.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is damaged or inconsistent (the message names the file and entry).</exception>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="modelPath">The model zip.</param>
    /// <param name="scoreColumnName">The model's score column.</param>
    public static SeriesForecaster LoadSeriesForecaster(this ForecastingCatalog catalog, string modelPath, string scoreColumnName = "Score")
    {
        Guard.NotNull(catalog, nameof(catalog));
        return SeriesForecaster.Load(modelPath, scoreColumnName);
    }

    /// <summary>
    /// Walk-forward backtest: for folds starting at rows <paramref name="start"/>, <paramref name="start"/> +
    /// <paramref name="stride"/>, ..., fits <paramref name="pipeline"/> on the rows before the fold, forecasts the
    /// fold's <paramref name="horizon"/> rows and compares them with the series.
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
    /// <para>Input: <paramref name="series"/> with the columns the pipeline's <c>SlidingWindow</c> reads. Output:
    /// <see cref="BacktestResult.Folds"/> (forecast, actual and bounds where the model has them),
    /// <see cref="BacktestResult.Metrics"/> (per series in <see cref="ForecastingMetrics.PerSeries"/>) and
    /// <see cref="BacktestResult.LastPoints"/>. No fold reads a row at or after its start, except covariates under
    /// <see cref="CovariatePolicy.FromCaller"/>; incomplete folds at the end are dropped. More: docs/intervals-and-backtesting.md, 'Backtesting'.</para>
    /// </remarks>
    public static BacktestResult Backtest(this ForecastingCatalog catalog, IEstimator<ITransformer> pipeline, IDataView series, BacktestOptions options)
    {
        Guard.NotNull(catalog, nameof(catalog));
        return MLNet.Lstm.Backtest.Run(pipeline, series, options);
    }
}
