using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Training;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// The ML.NET side of suites 1, 3 and 5: <c>SlidingWindow → NormalizeWindows(RelativeToFirst) → Forecasting.Lstm</c>
/// fitted on the same series and hyperparameters as <see cref="TrainingSuite.RawLoop"/> (one LSTM layer, no
/// dropout, Adam, MSE, shuffled mini-batches, same seed and torch threads, no validation split).
/// </summary>
internal static class PipelineFit
{
    /// <summary>Why the pipeline is not measured, while it is not (kept for builds without the trainer).</summary>
    public const string MissingReason = "needs LstmForecastingTrainer (issue-4) and SlidingWindow/NormalizeWindows (issue-3) merged";

    private sealed class SeriesRow
    {
        public float C0 { get; set; }
        public float C1 { get; set; }
    }

    /// <summary>
    /// A variant that fits the whole pipeline once and returns windows × epochs; <paramref name="observe"/> subscribes
    /// to the trainer's fit events (phase ends, batch starts) and <paramref name="finalizerCollectInterval"/> replaces
    /// the trainer's default <c>Device.FinalizerCollectInterval</c>.
    /// </summary>
    public static Func<long>? TryCreate(float[] series, TrainingConfig config, Action<LstmFitEvents>? observe = null, int? finalizerCollectInterval = null)
    {
        if (config.Features != 2)
            throw new ArgumentException("The benchmark series has two columns.");
        return () =>
        {
            var ml = new MLContext(seed: config.Seed);
            var data = ml.Data.LoadFromEnumerable(Rows(series));
            var options = TrainerOptions(config);
            if (finalizerCollectInterval is int interval)
                options.Device.FinalizerCollectInterval = interval;
            var trainer = ml.Forecasting.Lstm(options);
            observe?.Invoke(trainer.Events);
            var model = Windows(ml, config).Append(trainer).Fit(data);
            GC.KeepAlive(model);
            return (long)config.Windows * config.Epochs;
        };
    }

    /// <summary>The trainer options of suite 1's configuration (one LSTM layer, no dropout, Adam, MSE, same seed and threads).</summary>
    public static LstmForecastingTrainer.Options TrainerOptions(TrainingConfig config) => new()
    {
        HiddenSizes = Enumerable.Repeat(config.Hidden, config.Layers).ToArray(),
        Dropout = 0f,
        Epochs = config.Epochs,
        BatchSize = config.BatchSize,
        LearningRate = (float)config.LearningRate,
        Seed = config.Seed,
        Device = new TorchDeviceOptions { Device = TrainingConfig.Device, Threads = config.Threads },
    };

    /// <summary>SlidingWindow over C0, C1 → NormalizeWindows (RelativeToFirst) → Lstm with <paramref name="options"/>.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext ml, TrainingConfig config, LstmForecastingTrainer.Options options) =>
        Windows(ml, config).Append(ml.Forecasting.Lstm(options));

    /// <summary>SlidingWindow over C0, C1 → NormalizeWindows (RelativeToFirst).</summary>
    private static EstimatorChain<NormalizeWindowsTransformer> Windows(MLContext ml, TrainingConfig config) =>
        ml.Transforms.SlidingWindow("Window", new[] { "C0", "C1" }, config.WindowSize)
            .Append(ml.Transforms.NormalizeWindows("Window"));

    private static IEnumerable<SeriesRow> Rows(float[] series)
    {
        for (int i = 0; i + 1 < series.Length; i += 2)
            yield return new SeriesRow { C0 = series[i], C1 = series[i + 1] };
    }
}
