using MLNet.Lstm;

namespace Microsoft.ML;

/// <summary>
/// The one-call LSTM forecaster on <see cref="ForecastingCatalog"/> (<c>mlContext.Forecasting.ForecastByLstm</c>), in
/// the style of ML.NET's <c>ForecastBySsa</c>: one network over one or many series, its configuration chosen by
/// validation (docs/trainer.md, "The one call and candidate selection"); and the recommended settings of an explicit chain.
/// </summary>
public static class ForecastByLstmCatalog
{
    /// <summary>The window normalisation of the recommended explicit chain for one series (docs/accuracy.md, "Recommended configuration").</summary>
    public const WindowNormalization RecommendedNormalization = WindowNormalization.ZScore;

    /// <summary>
    /// Forecasts <paramref name="targetColumnName"/> <paramref name="horizon"/> steps ahead with the one call for one
    /// series and a fixed window: <see cref="ForecastByLstm(ForecastingCatalog, ForecastByLstmOptions)"/> with these
    /// options (the normalisation, loss and plain or seasonal network chosen on the series' last steps held out).
    /// </summary>
    /// <remarks>
    /// <para>Input: one row per time step (time order), with <paramref name="targetColumnName"/> and every
    /// <paramref name="inputColumnNames"/> as Single columns.</para>
    /// <para>Output columns: <c>Window</c> (the normalised window, <c>Vector&lt;Single&gt;</c> [T, F]), its shift and
    /// scale columns, <c>Label</c> (Single for horizon 1, a vector of h values otherwise: the next values of the target),
    /// and <c>Score</c> (<c>Vector&lt;Single&gt;</c> of h values, in the target's units). One row per window: the input's
    /// first T - 1 rows (and the last h rows when labelled) make no row.</para>
    /// <para>Training is seeded by <paramref name="seed"/> and deterministic on the CPU with one torch thread.</para>
    /// </remarks>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="targetColumnName">The column to forecast.</param>
    /// <param name="windowSize">T, the number of past steps the model sees (at least 2; three seasons for a seasonal series, e.g. 36 for monthly data: the seasonal network then reads two seasons of seasonal differences; 12 otherwise, figures in docs/accuracy.md).</param>
    /// <param name="horizon">h, the number of steps forecast at once (a direct multi-step output). The accuracy suite
    /// found horizon 1, forecast recursively by <c>SeriesForecaster</c> or <c>Backtest</c>, better on most series.</param>
    /// <param name="inputColumnNames">The window's input columns; null: the target alone. Must contain the target.</param>
    /// <param name="seed">The seed of the networks' initial weights, dropout and shuffles.</param>
    /// <returns>The estimator (a <see cref="ForecastByLstmEstimator"/>); its fitted chain scores into <c>Score</c>.</returns>
    public static IEstimator<ITransformer> ForecastByLstm(this ForecastingCatalog catalog, string targetColumnName, int windowSize,
        int horizon = 1, string[]? inputColumnNames = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (string.IsNullOrWhiteSpace(targetColumnName))
            throw new ArgumentException("targetColumnName must name the column to forecast.", nameof(targetColumnName));
        if (windowSize < 2)
            throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "windowSize must be at least 2 steps (three seasons for a seasonal series, e.g. 36 for monthly data).");
        if (horizon < 1)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "horizon must be at least 1 step.");
        var inputs = inputColumnNames ?? new[] { targetColumnName };
        if (inputs.Length == 0 || !inputs.Contains(targetColumnName, StringComparer.Ordinal))
            throw new ArgumentException(
                $"inputColumnNames [{string.Join(", ", inputs)}] must contain the target column '{targetColumnName}' (the model reads its past values); " +
                "add it, or pass null for the target alone.", nameof(inputColumnNames));

        return catalog.ForecastByLstm(new ForecastByLstmOptions
        {
            TargetColumnName = targetColumnName,
            WindowSize = windowSize,
            Horizon = horizon,
            InputColumnNames = inputs,
            Seed = seed,
        });
    }

    /// <summary>
    /// The one call for one or many series: forecasts <see cref="ForecastByLstmOptions.TargetColumnName"/>
    /// <see cref="ForecastByLstmOptions.Horizon"/> steps ahead with one LSTM trained over every series of the data, its
    /// configuration (window normalisation, loss, plain or seasonal network, window length) chosen on each series' last
    /// steps held out (docs/trainer.md, "The one call"), then fitted on all the data.
    /// </summary>
    /// <remarks>
    /// <para>Input: one row per time step, each series' rows contiguous and in time order, with the target and input
    /// columns (Single) and the key column <see cref="ForecastByLstmOptions.SeriesColumnName"/> when set.</para>
    /// <para>Output columns: <c>Window</c>, its shift and scale columns, <c>Label</c> and <c>Score</c> (<c>Vector&lt;Single&gt;</c>
    /// of h values, in the target's units); the fitted model is the chain <c>SlidingWindow</c> → <c>NormalizeWindows</c>
    /// → <see cref="LstmForecastingTransformer"/>, whose <c>Settings.CandidateSelection</c> reports every candidate.</para>
    /// </remarks>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="options">The options (validated here).</param>
    /// <returns>The estimator (a <see cref="ForecastByLstmEstimator"/>).</returns>
    public static IEstimator<ITransformer> ForecastByLstm(this ForecastingCatalog catalog, ForecastByLstmOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ForecastByLstmEstimator(options);
    }

    /// <summary>
    /// The trainer options of the recommended explicit chain for one series for <paramref name="seed"/> (columns
    /// <c>Window</c> and <c>Label</c>): a fresh object on each call, to start an explicit chain from them.
    /// </summary>
    /// <remarks>
    /// One layer of 32, no dropout, up to 200 epochs (batch 32, Adam 3e-3) with the last 20% of the windows for
    /// validation, early stopping after 20 epochs without improvement and the best epoch's weights restored, a seed
    /// ensemble of 5 networks, torch on one CPU thread (<c>torch.set_num_threads(1)</c>, process-wide, as
    /// <see cref="TorchDeviceOptions.Threads"/> does), device <c>auto</c>. The figures that chose them: docs/accuracy.md.
    /// <para>Seasonality: <c>SeasonalPeriod = AutoSeasonalPeriod</c> and <c>SeasonalInput =
    /// <see cref="SeasonalNetworkInput.StandardizedDifferences"/></c>. The period is detected from the training windows
    /// at <c>Fit</c> (none for prices and non-seasonal series, whose model is then the plain network, figure for
    /// figure). With a period, the plain and the seasonal network are both trained and the seasonal one is kept unless
    /// the plain one is better on the validation windows by more than one standard error (docs/trainer.md, "Seasonal
    /// period"; the figures that chose these settings: docs/accuracy.md). Set <c>SeasonalPeriod = 0</c> and
    /// <c>SeasonalInput = null</c> for the plain network, or the period for the seasonal one without a choice.</para>
    /// </remarks>
    /// <param name="seed">The seed.</param>
    public static LstmForecastingTrainer.Options RecommendedTrainerOptions(int seed = 0) => new()
    {
        LabelColumnName = "Label",
        FeatureColumnName = "Window",
        HiddenSizes = new[] { 32 },
        Dropout = 0f,
        Epochs = 200,
        BatchSize = 32,
        LearningRate = 3e-3f,
        ValidationFraction = 0.2f,
        EarlyStoppingPatience = 20,
        RestoreBestWeights = true,
        EnsembleSize = 5,
        SeasonalPeriod = LstmForecastingTrainer.Options.AutoSeasonalPeriod,
        SeasonalInput = SeasonalNetworkInput.StandardizedDifferences,
        Seed = seed,
        // One torch thread: a network this small trains faster on one CPU thread than on several (the StockForecast
        // sample: 9 s against 241 s with torch's default threads on a loaded 2-core machine), and fits are reproducible.
        Device = new TorchDeviceOptions { Threads = 1 },
    };
}
