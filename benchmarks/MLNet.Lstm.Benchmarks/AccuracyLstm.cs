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
    int EarlyStoppingPatience)
{
    /// <summary>max(2·period, 12): two seasons of a seasonal series, 12 steps otherwise.</summary>
    public static int SmallWindow(AccuracySeries s) => Math.Max(2 * s.Period, 12);

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

    public static readonly AccuracyLstmConfig[] All = { Tutorial, Small };

    /// <summary>Epochs after <c>--epochs-scale</c> (at least 1), patience scaled alike (at least 1 when set).</summary>
    public AccuracyLstmConfig Scaled(double epochScale) => this with
    {
        Epochs = Math.Max(1, (int)Math.Round(Epochs * epochScale)),
        EarlyStoppingPatience = EarlyStoppingPatience == 0 ? 0 : Math.Max(1, (int)Math.Round(EarlyStoppingPatience * Math.Min(1, epochScale))),
    };

    /// <summary>A one-line description for the tables.</summary>
    public string Describe(AccuracySeries dax) =>
        $"{Name}: window {WindowSize(AccuracySeries.All[0])} monthly / {WindowSize(AccuracySeries.All[2])} quarterly / " +
        $"{WindowSize(AccuracySeries.All[4])} annual / {WindowSize(dax)} DAX, NormalizeWindows {Normalization}, " +
        $"LSTM [{string.Join(", ", HiddenSizes)}], dropout {Dropout}, {Epochs} epoch(s) max, batch {BatchSize}, Adam lr {LearningRate}, " +
        $"validation {ValidationFraction:P0} (last windows), patience {EarlyStoppingPatience}, best weights restored";

    /// <summary>The pipeline for <paramref name="series"/>, column <c>y</c>, seeded.</summary>
    public IEstimator<ITransformer> Pipeline(MLContext ml, AccuracySeries series, int seed, int threads) =>
        ml.Transforms.SlidingWindow("Window", new[] { "y" }, WindowSize(series), horizon: 1, labelColumnName: "Label")
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
                Seed = seed,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = threads },
            }));
}

/// <summary>
/// Fits an LSTM configuration once on a series' training rows and forecasts both protocols' folds with it (no
/// refitting): one-step from every true window, backtest recursively H steps from every origin.
/// </summary>
public static class AccuracyLstm
{
    /// <summary>One row of a series as the pipelines read it: column <c>y</c>.</summary>
    public sealed class Row
    {
        public float y { get; set; }
    }

    /// <summary>One seed's forecasts for both protocols, and the fit's seconds.</summary>
    public static (FoldForecasts OneStep, FoldForecasts Backtest, double FitSeconds) Run(
        AccuracyLstmConfig config, SeriesSplit split, int seed, int threads)
    {
        var ml = new MLContext(seed);
        var all = ml.Data.LoadFromEnumerable(split.Values.Select(v => new Row { y = (float)v }).ToArray());
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = config.Pipeline(ml, split.Series, seed, threads).Fit(ml.Data.TakeRows(all, split.TrainRows));
        double fitSeconds = clock.Elapsed.TotalSeconds;
        try
        {
            var (oneStep, backtest) = Forecasts(ml.Forecasting.CreateSeriesForecaster(model), ml, all, split);
            return (oneStep, backtest, fitSeconds);
        }
        finally
        {
            (model as IDisposable)?.Dispose(); // the chain disposes its transformers (the LSTM's ONNX Runtime session)
        }
    }

    /// <summary>
    /// Both protocols' forecasts of a fitted model over the whole series <paramref name="all"/> (column <c>y</c>): each
    /// fold starts from the true window of the T rows before its origin.
    /// </summary>
    public static (FoldForecasts OneStep, FoldForecasts Backtest) Forecasts(SeriesForecaster forecaster, MLContext ml, IDataView all, SeriesSplit split) =>
        (OneStep(forecaster, all, split), ForecastOrigins(forecaster, ml, all, split, split.Origins(AccuracyProtocol.Backtest), split.Series.Horizon));

    private static FoldForecasts OneStep(SeriesForecaster forecaster, IDataView all, SeriesSplit split)
    {
        var byRow = forecaster.PredictPointByPoint(all).ToRowAligned();
        var origins = split.Origins(AccuracyProtocol.OneStep);
        return new FoldForecasts(origins, origins.Select(o => new[] { (double)byRow[o] }).ToArray());
    }

    /// <summary>
    /// The backtest's origin loop (the one place to switch to <c>mlContext.Forecasting.Backtest</c> with
    /// <c>RetrainEvery = 0</c> once it exists): <see cref="SeriesForecaster.PredictMultipleSequences(IDataView, int, CovariatePolicy)"/>
    /// restarts every H rows, so H calls on the series shifted by k = 0 .. H-1 rows cover every origin, each from the
    /// true window of the T rows before it.
    /// </summary>
    public static FoldForecasts ForecastOrigins(SeriesForecaster forecaster, MLContext ml, IDataView all, SeriesSplit split, int[] origins, int horizon)
    {
        int window = forecaster.Windowing.WindowSize;
        var found = new Dictionary<int, double[]>();
        for (int k = 0; k < horizon; k++)
        {
            int skipped = origins[0] - window + k; // the shifted series' first run starts at origin origins[0] + k
            var shifted = ml.Data.SkipRows(all, skipped);
            foreach (var segment in forecaster.PredictMultipleSequences(shifted, horizon).Segments)
            {
                int origin = skipped + segment.StartRow;
                if (segment.Values.Length == horizon && origin <= origins[^1])
                    found[origin] = segment.Values.Select(v => (double)v).ToArray();
            }
        }
        var missing = origins.Where(o => !found.ContainsKey(o)).ToArray();
        if (missing.Length > 0)
            throw new InvalidOperationException($"{split.Series.Name}: no LSTM forecast for origin(s) {string.Join(", ", missing.Take(5))}.");
        return new FoldForecasts(origins, origins.Select(o => found[o]).ToArray());
    }
}
