using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// One LSTM configuration of the accuracy suite: the chain <c>SlidingWindow → NormalizeWindows → Lstm</c> on the
/// target alone, with these settings.
/// </summary>
public sealed record AccuracyLstmConfig(
    string Name,
    Func<AccuracySeries, int> WindowSize,
    WindowNormalization Normalization,
    int[] HiddenSizes,
    float Dropout,
    int Epochs,
    int BatchSize,
    float LearningRate,
    float ValidationFraction,
    int EarlyStoppingPatience,
    int EnsembleSize = 1,
    bool LogTarget = false,
    bool DirectBacktest = false,
    bool OneCall = false,
    bool Search = false,
    bool SeasonalDifference = false,
    LstmLearningRateSchedule Schedule = LstmLearningRateSchedule.Constant,
    int? SeasonalPeriod = null,
    SeasonalNetworkInput? SeasonalInput = null,
    bool SeriesPeriod = false)
{
    /// <summary>
    /// The trainer's SeasonalPeriod for <paramref name="series"/>: with <see cref="SeriesPeriod"/> the series' own
    /// period (no automatic choice; 0 for annual series and the DAX), else <see cref="EffectiveSeasonalPeriod"/>.
    /// </summary>
    private int SeasonalPeriodFor(AccuracySeries series) => SeriesPeriod ? (series.Period > 1 ? series.Period : 0) : EffectiveSeasonalPeriod;

    /// <summary>The trainer's SeasonalPeriod: this record's, else ForecastByLstm's own (one call) or 0.</summary>
    private int EffectiveSeasonalPeriod => SeasonalPeriod ?? (OneCall ? ForecastByLstmCatalog.RecommendedTrainerOptions().SeasonalPeriod : 0);

    /// <summary>The trainer's SeasonalInput: this record's, else ForecastByLstm's own (one call) or null.</summary>
    private SeasonalNetworkInput? EffectiveSeasonalInput => SeasonalInput ?? (OneCall ? ForecastByLstmCatalog.RecommendedTrainerOptions().SeasonalInput : null);

    /// <summary>max(2·period, 12): two seasons of a seasonal series, 12 steps otherwise.</summary>
    public static int SmallWindow(AccuracySeries s) => Math.Max(2 * s.Period, 12);

    /// <summary>3·period for a seasonal series (three seasons: two seasons of seasonal differences in a network with a
    /// seasonal period), 12 steps otherwise.</summary>
    public static int ThreeSeasonWindow(AccuracySeries s) => s.Period > 1 ? 3 * s.Period : 12;

    /// <summary>
    /// (a) The Keras tutorial's settings, as in samples/StockForecast: windows relative to their first value, 3 × 100,
    /// dropout 0.2, 2 epochs, batch 32, Adam 1e-3, 10% validation, patience 2. Window 49 on the DAX (the tutorial's);
    /// the short series use <see cref="SmallWindow"/> (49 would leave usaccdeaths 8 training windows).
    /// </summary>
    public static readonly AccuracyLstmConfig Tutorial = new("LSTM tutorial",
        s => s.Name == "dax" ? 49 : SmallWindow(s), WindowNormalization.RelativeToFirst,
        new[] { 100, 100, 100 }, Dropout: 0.2f, Epochs: 2, BatchSize: 32, LearningRate: 1e-3f,
        ValidationFraction: 0.1f, EarlyStoppingPatience: 2);

    /// <summary>
    /// (b) A small configuration: z-scored windows of <see cref="SmallWindow"/>, one layer of 32, no dropout, up to 200
    /// epochs, batch 32, Adam 3e-3, the last 20% of the training windows for validation, patience 20, best weights restored.
    /// </summary>
    public static readonly AccuracyLstmConfig Small = new("LSTM small",
        SmallWindow, WindowNormalization.ZScore,
        new[] { 32 }, Dropout: 0f, Epochs: 200, BatchSize: 32, LearningRate: 3e-3f,
        ValidationFraction: 0.2f, EarlyStoppingPatience: 20);

    /// <summary>
    /// (c) <c>mlContext.Forecasting.ForecastByLstm("y", ThreeSeasonWindow, horizon, seed: seed)</c>, the one-call
    /// estimator as docs/accuracy.md recommends calling it (a window of three seasons for a seasonal series, 12 steps
    /// otherwise; its settings are its own, the other fields here only describe them): horizon 1, the backtest
    /// recursive (the ablation "ForecastByLstm direct" has the direct horizon-H model).
    /// </summary>
    public static readonly AccuracyLstmConfig ForecastByLstm = Small with
    {
        Name = "ForecastByLstm", OneCall = true, EnsembleSize = 5, WindowSize = ThreeSeasonWindow,
    };

    /// <summary>
    /// (d) The seasonal recipe of the previous documented run, kept as an ablation: <see cref="ForecastByLstm"/> with
    /// <see cref="SmallWindow"/> on the seasonally differenced series y[t] - y[t-m] (a user step before the estimator,
    /// undone on its forecasts; for m = 1 the first difference).
    /// </summary>
    public static readonly AccuracyLstmConfig ForecastByLstmSeasonal = ForecastByLstm with
    {
        Name = "ForecastByLstm seasonal-diff", SeasonalDifference = true, WindowSize = SmallWindow,
    };

    /// <summary>
    /// (e) The one call itself: <c>mlContext.Forecasting.ForecastByLstm("y", ThreeSeasonWindow, horizon, seed: seed)</c>,
    /// the simple overload, which runs the validation search of <c>ForecastByLstm(ForecastByLstmOptions)</c> with the
    /// window fixed (docs/trainer.md, "The one call"); the other fields here only describe (c).
    /// </summary>
    public static readonly AccuracyLstmConfig ForecastByLstmSearch = ForecastByLstm with { Name = "ForecastByLstm one call", Search = true };

    /// <summary>The configurations of the documented run.</summary>
    public static readonly AccuracyLstmConfig[] All = { Tutorial, Small, ForecastByLstm };

    /// <summary>The ablation variants of (b), one change each (docs/accuracy.md, "Ablations"); <c>--configs</c> picks them by name.</summary>
    public static readonly AccuracyLstmConfig[] Ablations =
    {
        Small with { Name = "small none", Normalization = WindowNormalization.None },
        Small with { Name = "small minmax", Normalization = WindowNormalization.MinMax },
        Small with { Name = "small relfirst", Normalization = WindowNormalization.RelativeToFirst },
        Small with { Name = "small rellast", Normalization = WindowNormalization.RelativeToLast },
        ForecastByLstmSeasonal,
        Small with { Name = "small seriesminmax", Normalization = WindowNormalization.SeriesMinMax },
        ForecastByLstm with { Name = "ForecastByLstm 2 seasons", WindowSize = SmallWindow },
        Small with { Name = "small seasonal 3 seasons", WindowSize = ThreeSeasonWindow, SeasonalPeriod = LstmForecastingTrainer.Options.AutoSeasonalPeriod },
        Small with { Name = "small serieszscore", Normalization = WindowNormalization.SeriesZScore },
        Small with { Name = "prices rellast ens5", Normalization = WindowNormalization.RelativeToLast, EnsembleSize = 5 },
        Small with { Name = "small log", LogTarget = true },
        Small with { Name = "small cosine", Schedule = LstmLearningRateSchedule.Cosine },
        Small with { Name = "small plateau", Schedule = LstmLearningRateSchedule.ReduceOnPlateau },
        Small with { Name = "small direct", DirectBacktest = true },
        Small with { Name = "small ens5", EnsembleSize = 5 },
        ForecastByLstm with { Name = "ForecastByLstm direct", DirectBacktest = true },
        ForecastByLstmSearch,
        Small with { Name = "small ens5 direct log", EnsembleSize = 5, DirectBacktest = true, LogTarget = true },
        Small with { Name = "long", BatchSize = 8, Epochs = 1000, EarlyStoppingPatience = 100, LearningRate = 1e-3f },
        Small with { Name = "long minmax", BatchSize = 8, Epochs = 1000, EarlyStoppingPatience = 100, LearningRate = 1e-3f, Normalization = WindowNormalization.MinMax },
        Small with { Name = "long relfirst", BatchSize = 8, Epochs = 1000, EarlyStoppingPatience = 100, LearningRate = 1e-3f, Normalization = WindowNormalization.RelativeToFirst },
        Small with { Name = "long h64", BatchSize = 8, Epochs = 1000, EarlyStoppingPatience = 100, LearningRate = 1e-3f, HiddenSizes = new[] { 64 } },
        Small with { Name = "long v10", BatchSize = 8, Epochs = 1000, EarlyStoppingPatience = 100, LearningRate = 1e-3f, ValidationFraction = 0.1f },
        Small with { Name = "sdiff", SeasonalDifference = true },
        Small with { Name = "sdiff minmax", SeasonalDifference = true, Normalization = WindowNormalization.MinMax },
        Small with { Name = "sdiff none", SeasonalDifference = true, Normalization = WindowNormalization.None },
        Small with { Name = "long log", BatchSize = 8, Epochs = 1000, EarlyStoppingPatience = 100, LearningRate = 1e-3f, LogTarget = true },
        // The network's own seasonal differences and seasonal-naive skip (Options.SeasonalPeriod, period detected at Fit).
        Small with { Name = "small seasonal", SeasonalPeriod = LstmForecastingTrainer.Options.AutoSeasonalPeriod, SeasonalInput = SeasonalNetworkInput.Differences },
        Small with { Name = "small seasonal levels", SeasonalPeriod = LstmForecastingTrainer.Options.AutoSeasonalPeriod, SeasonalInput = SeasonalNetworkInput.LevelsAndDifferences },
        ForecastByLstm with { Name = "ForecastByLstm differences", SeasonalPeriod = LstmForecastingTrainer.Options.AutoSeasonalPeriod, SeasonalInput = SeasonalNetworkInput.Differences },
        ForecastByLstm with { Name = "ForecastByLstm levels", SeasonalPeriod = LstmForecastingTrainer.Options.AutoSeasonalPeriod, SeasonalInput = SeasonalNetworkInput.LevelsAndDifferences },
        ForecastByLstm with { Name = "ForecastByLstm plain", SeasonalPeriod = 0 },
        Small with { Name = "small seasonal standardized", SeasonalPeriod = LstmForecastingTrainer.Options.AutoSeasonalPeriod, SeasonalInput = SeasonalNetworkInput.StandardizedDifferences },
        ForecastByLstm with { Name = "ForecastByLstm standardized m", SeriesPeriod = true, SeasonalInput = SeasonalNetworkInput.StandardizedDifferences },
        ForecastByLstm with { Name = "ForecastByLstm differences m", SeriesPeriod = true, SeasonalInput = SeasonalNetworkInput.Differences },
    };

    /// <summary>Every configuration by name (documented run and ablations).</summary>
    public static AccuracyLstmConfig Named(string name) =>
        All.Concat(Ablations).FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown LSTM configuration '{name}'; configurations: {string.Join(", ", All.Concat(Ablations).Select(c => c.Name))}.");

    /// <summary>Epochs after <c>--epochs-scale</c> (at least 1), patience scaled alike (at least 1 when set).</summary>
    public AccuracyLstmConfig Scaled(double epochScale) => this with
    {
        Epochs = Math.Max(1, (int)Math.Round(Epochs * epochScale)),
        EarlyStoppingPatience = EarlyStoppingPatience == 0 ? 0 : Math.Max(1, (int)Math.Round(EarlyStoppingPatience * Math.Min(1, epochScale))),
    };

    /// <summary>A one-line description for the tables.</summary>
    public string Describe(AccuracySeries dax) => Search
        ? $"{Name}: ForecastByLstm(\"y\", window {WindowSize(AccuracySeries.All[0])} monthly / {WindowSize(AccuracySeries.All[2])} quarterly / {WindowSize(AccuracySeries.All[4])} annual / {WindowSize(dax)} DAX, horizon, seed): the one call's validation search, everything else its own"
        : $"{Name}: window {WindowSize(AccuracySeries.All[0])} monthly / {WindowSize(AccuracySeries.All[2])} quarterly / " +
        $"{WindowSize(AccuracySeries.All[4])} annual / {WindowSize(dax)} DAX, NormalizeWindows {Normalization}, " +
        $"LSTM [{string.Join(", ", HiddenSizes)}], dropout {Dropout}, {Epochs} epoch(s) max, batch {BatchSize}, Adam lr {LearningRate}, " +
        $"validation {ValidationFraction:P0} (last windows), patience {EarlyStoppingPatience}, best weights restored" +
        (EnsembleSize > 1 ? $", EnsembleSize {EnsembleSize}" : "") + (LogTarget ? ", log of the series (forecasts exponentiated)" : "") +
        (DirectBacktest ? ", backtest by a direct horizon-H model" : ", backtest recursive from the horizon-1 model") +
        (OneCall ? " (mlContext.Forecasting.ForecastByLstm)" : "") +
        (Schedule != LstmLearningRateSchedule.Constant ? $", learning rate {Schedule}" : "") +
        (SeasonalDifference ? ", models y[t] - y[t-m] (m = the period, 1 for annual/DAX; undone after)" : "") +
        (SeriesPeriod ? $", SeasonalPeriod = the series' period (no choice; 0 for annual/DAX), layers read {EffectiveSeasonalInput ?? SeasonalNetworkInput.Differences}" :
        EffectiveSeasonalPeriod == 0 ? "" :
            $", SeasonalPeriod {(EffectiveSeasonalPeriod == LstmForecastingTrainer.Options.AutoSeasonalPeriod ? "auto (detected at Fit)" : EffectiveSeasonalPeriod.ToString())}, layers read {EffectiveSeasonalInput ?? SeasonalNetworkInput.Differences}");

    /// <summary>The pipeline for <paramref name="series"/>, column <c>y</c>, seeded, forecasting <paramref name="horizon"/> steps at once.</summary>
    public IEstimator<ITransformer> Pipeline(MLContext ml, AccuracySeries series, int seed, int threads, int horizon = 1)
    {
        if (Search)
            return ml.Forecasting.ForecastByLstm(new ForecastByLstmOptions { TargetColumnName = "y", WindowSize = WindowSize(series), Horizon = horizon, Seed = seed, Context = ml });
        if (OneCall)
        {
            // The recommended explicit chain (what the simple ForecastByLstm overload built before it became the one
            // call with a validation search): RecommendedNormalization and RecommendedTrainerOptions.
            var options = ForecastByLstmCatalog.RecommendedTrainerOptions(seed);
            var chain = ml.Transforms.SlidingWindow("Window", new[] { "y" }, WindowSize(series), horizon, labelColumnName: "Label")
                .Append(ml.Transforms.NormalizeWindows("Window", mode: ForecastByLstmCatalog.RecommendedNormalization))
                .Append(ml.Forecasting.Lstm(options));
            options.Device = new TorchDeviceOptions { Device = "cpu", Threads = threads };
            options.Context = ml; // the trainer's log: AccuracyLstm.Run prints its seasonal choice
            options.SeasonalPeriod = SeasonalPeriodFor(series);
            options.SeasonalInput = options.SeasonalPeriod == 0 ? null : EffectiveSeasonalInput;
            return chain;
        }
        return ml.Transforms.SlidingWindow("Window", new[] { "y" }, WindowSize(series), horizon, labelColumnName: "Label")
            .Append(ml.Transforms.NormalizeWindows("Window", mode: Normalization))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Window",
                HiddenSizes = HiddenSizes,
                Dropout = Dropout,
                Epochs = Epochs,
                BatchSize = BatchSize,
                LearningRate = LearningRate,
                ValidationFraction = ValidationFraction,
                EarlyStoppingPatience = EarlyStoppingPatience,
                RestoreBestWeights = true,
                EnsembleSize = EnsembleSize,
                LearningRateSchedule = Schedule,
                SeasonalPeriod = SeasonalPeriodFor(series),
                SeasonalInput = SeasonalPeriodFor(series) == 0 ? null : EffectiveSeasonalInput,
                Seed = seed,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = threads },
                Context = ml,
            }));
    }
}

/// <summary>
/// The LSTM side of the suite: each protocol is one <c>mlContext.Forecasting.Backtest</c> of the configuration's
/// pipeline with <c>Start</c> = the training rows and <c>RetrainEvery = 0</c>, so the pipeline is fitted once on the
/// training rows and every fold is forecast from the true window before it (one-step: horizon 1, direct; backtest:
/// horizon H, recursive).
/// </summary>
public static class AccuracyLstm
{
    /// <summary>One row of a series as the pipelines read it: column <c>y</c>.</summary>
    public sealed class Row
    {
        public float y { get; set; }
    }

    /// <summary>
    /// One seed's forecasts for both protocols, and the seconds of both backtests (two fits of the same seeded pipeline
    /// on the same rows, and the forecasts).
    /// </summary>
    public static (FoldForecasts OneStep, FoldForecasts Backtest, double Seconds) Run(
        AccuracyLstmConfig config, SeriesSplit split, int seed, int threads)
    {
        var ml = new MLContext(seed);
        // The trainer's seasonal choice (SeasonalPeriod auto: detected period, both candidates' validation MSE in label units and normalised losses).
        ml.Log += (_, e) =>
        {
            if (e.Source == nameof(ForecastByLstmEstimator) && (e.Message.Contains("keeping", StringComparison.Ordinal) || e.Message.Contains("seasonal period", StringComparison.Ordinal) || e.Message.Contains("skipped", StringComparison.Ordinal) || e.Message.Contains("final fit", StringComparison.Ordinal) || e.Message.Contains("loss ensemble", StringComparison.Ordinal)))
                Console.Error.WriteLine($"accuracy: {split.Series.Name} {config.Name} seed {seed}: {e.Message}");
            if (e.Source == nameof(LstmForecastingTrainer) && e.Message.Contains("SeasonalPeriod auto:", StringComparison.Ordinal))
                Console.Error.WriteLine($"accuracy: {split.Series.Name} {config.Name} seed {seed}: {e.Message[e.Message.IndexOf("SeasonalPeriod auto:", StringComparison.Ordinal)..]}");
        };
        // User steps (docs/accuracy.md): LogTarget: the models see log(y), forecasts exponentiated; SeasonalDifference:
        // the models see d[t] = y[t] - y[t-m] (rows m..N-1), forecasts undone as y[t-m] (observed or forecast) + d.
        var modelled = config.LogTarget ? split.Values.Select(v => Math.Log(v)).ToArray() : split.Values;
        int offset = config.SeasonalDifference ? split.Series.Period : 0;
        if (offset > 0)
            modelled = Enumerable.Range(offset, modelled.Length - offset).Select(t => modelled[t] - modelled[t - offset]).ToArray();
        var all = ml.Data.LoadFromEnumerable(modelled.Select(v => new Row { y = (float)v }).ToArray());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int h = split.Steps(AccuracyProtocol.Backtest);
        var oneStep = Folds(ml, config.Pipeline(ml, split.Series, seed, threads), all, split, AccuracyProtocol.OneStep, modelled, offset);
        var backtest = Folds(ml, config.Pipeline(ml, split.Series, seed, threads, config.DirectBacktest ? h : 1), all, split,
            AccuracyProtocol.Backtest, modelled, offset);
        if (offset > 0)
        {
            var levels = config.LogTarget ? split.Values.Select(v => Math.Log(v)).ToArray() : split.Values;
            (oneStep, backtest) = (Undifference(oneStep, levels, offset), Undifference(backtest, levels, offset));
        }
        if (config.LogTarget)
            (oneStep, backtest) = (Exp(oneStep), Exp(backtest));
        return (oneStep, backtest, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The folds of <paramref name="protocol"/> for a pipeline that starts with <c>SlidingWindow</c> on column <c>y</c>
    /// of <paramref name="all"/>; checks that the backtest made exactly the protocol's folds, from one fit on the
    /// training rows.
    /// </summary>
    public static FoldForecasts Folds(MLContext ml, IEstimator<ITransformer> pipeline, IDataView all, SeriesSplit split, AccuracyProtocol protocol,
        double[]? modelled = null, int offset = 0)
    {
        var values = modelled ?? split.Values;
        var origins = split.Origins(protocol).Select(o => o - offset).ToArray();
        var result = ml.Forecasting.Backtest(pipeline, all, new BacktestOptions
        {
            Start = split.TrainRows - offset,
            Horizon = split.Steps(protocol),
            Stride = 1,
            RetrainEvery = 0,
        });
        var folds = result.Folds;
        bool asProtocol = result.Fits == 1 && folds.Select(f => f.Start).SequenceEqual(origins)
            && folds.All(f => f.TrainingEnd == split.TrainRows - offset && f.Forecast.Length == split.Steps(protocol)
                && f.Actual.Select((a, h) => a == (float)values[f.Start + h]).All(same => same));
        if (!asProtocol)
        {
            throw new InvalidOperationException(
                $"{split.Series.Name} {AccuracyReference.ProtocolName(protocol)}: the backtest made {folds.Count} fold(s) from {result.Fits} fit(s), " +
                $"starts {folds.FirstOrDefault()?.Start}..{folds.LastOrDefault()?.Start}; the protocol needs {origins.Length} folds " +
                $"{origins[0]}..{origins[^1]} of {split.Steps(protocol)} step(s) from one fit on rows [0, {split.TrainRows}).");
        }
        return new FoldForecasts(origins.Select(o => o + offset).ToArray(), folds.Select(f => f.Forecast.Select(v => (double)v).ToArray()).ToArray());
    }

    /// <summary>Forecasts of d[t] = y[t] - y[t-m] back to y: y[t-m] when observed (before the fold's origin), else its forecast.</summary>
    private static FoldForecasts Undifference(FoldForecasts f, double[] levels, int m) => f with
    {
        Values = f.Values.Select((d, i) =>
        {
            int origin = f.Origins[i];
            var y = new double[d.Length];
            for (int k = 0; k < d.Length; k++)
                y[k] = (k - m >= 0 ? y[k - m] : levels[origin + k - m]) + d[k];
            return y;
        }).ToArray(),
    };

    private static FoldForecasts Exp(FoldForecasts f) => f with { Values = f.Values.Select(v => v.Select(x => Math.Exp(x)).ToArray()).ToArray() };
}
