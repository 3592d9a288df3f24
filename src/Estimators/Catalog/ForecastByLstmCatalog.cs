using MLNet.Lstm;

namespace Microsoft.ML;

/// <summary>
/// The one-call LSTM forecaster on <see cref="ForecastingCatalog"/> (<c>mlContext.Forecasting.ForecastByLstm</c>), in
/// the style of ML.NET's <c>ForecastBySsa</c>: the recommended configuration of docs/accuracy.md.
/// </summary>
public static class ForecastByLstmCatalog
{
    /// <summary>The window normalisation <see cref="ForecastByLstm"/> uses (docs/accuracy.md, "Recommended configuration").</summary>
    public const WindowNormalization RecommendedNormalization = WindowNormalization.ZScore;

    /// <summary>
    /// Forecasts <paramref name="targetColumnName"/> <paramref name="horizon"/> steps ahead with the recommended LSTM
    /// configuration: <c>SlidingWindow</c> → <c>NormalizeWindows</c> (z-score per window) → an LSTM seed ensemble
    /// (<see cref="RecommendedTrainerOptions"/>) that detects a seasonal period in the training windows and, when one
    /// is found, trains both the plain network and the seasonal one (which reads the standardised seasonal differences
    /// and adds the seasonal-naive value and the mean seasonal change) and keeps the seasonal one unless the plain one
    /// is clearly better on the validation windows in the target's units
    /// (<c>LstmForecastingTrainer.Options.SeasonalPeriod</c>; the fitted model's <c>Settings.SeasonalPeriod</c> says
    /// which period, 0 for the plain network, and <c>Settings.SeasonalSelection</c> both errors), scoring into <c>Score</c> like the explicit chain, so
    /// <c>Evaluate</c>, <c>SeriesForecaster</c>, <c>Backtest</c>, saving, stock <c>Model.Load</c> and
    /// <c>Forecasting.LoadModel</c> work on it unchanged.
    /// </summary>
    /// <remarks>
    /// <para>Input: one row per time step (time order), with <paramref name="targetColumnName"/> and every
    /// <paramref name="inputColumnNames"/> as Single columns.</para>
    /// <para>Output columns: <c>Window</c> (the normalised window, <c>Vector&lt;Single&gt;</c> [T, F]), its shift and
    /// scale columns, <c>Label</c> (Single for horizon 1, a vector of h values otherwise: the next values of the target),
    /// and <c>Score</c> (<c>Vector&lt;Single&gt;</c> of h values, in the target's units). One row per window: the input's
    /// first T - 1 rows (and the last h rows when labelled) make no row.</para>
    /// <para>The settings were chosen by the accuracy suite (docs/accuracy.md, with the figures); for other settings
    /// build the chain yourself from <c>SlidingWindow</c>, <c>NormalizeWindows</c> and <c>Forecasting.Lstm</c>.
    /// Training is seeded by <paramref name="seed"/> and deterministic on the CPU with one torch thread.</para>
    /// </remarks>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="targetColumnName">The column to forecast.</param>
    /// <param name="windowSize">T, the number of past steps the model sees (at least 2; three seasons for a seasonal series, e.g. 36 for monthly data: the seasonal network then reads two seasons of seasonal differences; 12 otherwise, figures in docs/accuracy.md).</param>
    /// <param name="horizon">h, the number of steps forecast at once (a direct multi-step output). The accuracy suite
    /// found horizon 1, forecast recursively by <c>SeriesForecaster</c> or <c>Backtest</c>, better on most series.</param>
    /// <param name="inputColumnNames">The window's input columns; null: the target alone. Must contain the target.</param>
    /// <param name="seed">The seed of the networks' initial weights, dropout and shuffles.</param>
    /// <returns>The chain's estimator; its fitted model scores into <c>Score</c>.</returns>
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

        var ml = new MLContext(seed);
        return ml.Transforms.SlidingWindow("Window", inputs, windowSize, horizon, labelColumnName: "Label", targetColumnName: targetColumnName)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: RecommendedNormalization))
            .Append(ml.Forecasting.Lstm(RecommendedTrainerOptions(seed)));
    }

    /// <summary>
    /// The trainer options <see cref="ForecastByLstm"/> uses for <paramref name="seed"/> (columns <c>Window</c> and
    /// <c>Label</c>): a fresh object on each call, to start an explicit chain from the recommended settings.
    /// </summary>
    /// <remarks>
    /// One layer of 32, no dropout, up to 200 epochs (batch 32, Adam 3e-3) with the last 20% of the windows for
    /// validation, early stopping after 20 epochs without improvement and the best epoch's weights restored, a seed
    /// ensemble of 5 networks, torch on one CPU thread (<c>torch.set_num_threads(1)</c>, process-wide, as
    /// <see cref="TorchDeviceOptions.Threads"/> does), device <c>auto</c>. The figures that chose them: docs/accuracy.md.
    /// <para>Seasonality: <c>SeasonalPeriod = AutoSeasonalPeriod</c> and <c>SeasonalInput =
    /// <see cref="SeasonalNetworkInput.StandardizedDifferences"/></c>. The period is detected from the training windows
    /// at <c>Fit</c> (none for prices and non-seasonal series, whose model is then the plain network, figure for
    /// figure). With a period, the plain network and the seasonal one (its layers read the window's seasonal
    /// differences standardised by their own mean and deviation; its output is the seasonal-naive value plus the
    /// window's mean seasonal change plus the network's scaled output) are both trained, each as it would be alone, and
    /// the seasonal one is kept unless the plain one's validation MSE in the target's units (the 5 members' averaged
    /// prediction on the last 20% of the windows) is lower by more than one standard error of the window-by-window
    /// difference; such a fit takes twice as long. In the accuracy suite (docs/accuracy.md, seeds 1–3) this keeps the
    /// plain network on ukdriverdeaths and the seasonal one on usaccdeaths, ukgas and johnsonjohnson for every seed,
    /// and the standardised differences beat the plain <see cref="SeasonalNetworkInput.Differences"/> on all three
    /// (one-step MASE 0.37 against 0.49, 1.31 against 1.39, 1.43 against 1.54) and
    /// <see cref="SeasonalNetworkInput.LevelsAndDifferences"/>. Set <c>SeasonalPeriod = 0</c> and
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
