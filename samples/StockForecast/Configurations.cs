using Microsoft.ML;
using MLNet.Lstm;

namespace StockForecast;

/// <summary>The sample's two configurations: the recommended <c>ForecastByLstm</c> (default) and the Keras tutorial's (<c>--tutorial</c>).</summary>
internal static class Configurations
{
    /// <summary>The level of the split-conformal band both configurations add (LowerBound / UpperBound).</summary>
    private const float SampleBandLevel = 0.9f;

    /// <summary>The pipeline <paramref name="o"/> asks for, and a one-line description of it.</summary>
    public static (IEstimator<ITransformer> Pipeline, string Description) Build(MLContext ml, SampleOptions o) =>
        o.Tutorial ? Tutorial(ml, o) : Recommended(ml, o);

    /// <summary>
    /// The recommended configuration (docs/accuracy.md): the chain <c>mlContext.Forecasting.ForecastByLstm</c> builds,
    /// written out from <see cref="ForecastByLstmCatalog.RecommendedTrainerOptions"/> so that the sample can add a 90%
    /// conformal band (<see cref="SampleBandLevel"/>, calibrated on windows held out of training), print each epoch and
    /// log to <paramref name="ml"/>; <c>--epochs</c>, <c>--hidden</c>, <c>--batch-size</c> and <c>--device</c> change
    /// those options. Torch runs on one CPU thread (the recommended options' setting), so every figure reproduces.
    /// </summary>
    private static (IEstimator<ITransformer>, string) Recommended(MLContext ml, SampleOptions o)
    {
        var trainer = ForecastByLstmCatalog.RecommendedTrainerOptions(o.Seed);
        trainer.Epochs = o.EpochsOverride ?? trainer.Epochs;
        trainer.HiddenSizes = o.HiddenOverride ?? trainer.HiddenSizes;
        trainer.BatchSize = o.BatchSizeOverride ?? trainer.BatchSize;
        trainer.Device.Device = o.Device;
        trainer.Context = ml;
        trainer.Progress = new ConsoleEpochProgress(every: 10);
        trainer.ConformalLevel = SampleBandLevel; // a 90% band calibrated on the last 20% of the training windows, averaged over the members
        var pipeline = ml.Transforms.SlidingWindow("Window", o.InputColumns, o.Window, o.Horizon, labelColumnName: "Label", targetColumnName: o.Target)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: ForecastByLstmCatalog.RecommendedNormalization))
            .Append(ml.Forecasting.Lstm(trainer));
        string description = $"ForecastByLstm's recommended configuration: window {o.Window} × {o.InputColumns.Length} column(s), target {o.Target}, horizon {o.Horizon}, " +
            $"NormalizeWindows {ForecastByLstmCatalog.RecommendedNormalization}, LSTM {string.Join("×", trainer.HiddenSizes)}, " +
            $"ensemble of {trainer.EnsembleSize}, up to {trainer.Epochs} epochs with early stopping, {SampleBandLevel:P0} conformal band, one torch thread";
        return (pipeline, description);
    }

    /// <summary>
    /// The Keras tutorial's configuration: windows of 49 days of the four indices, per-window normalisation
    /// p / p0 - 1, three LSTM layers of 100 with dropout 0.2, 2 epochs, batch 32, on one torch thread with the seed
    /// (torch's default thread count would make the figures depend on the machine).
    /// </summary>
    private static (IEstimator<ITransformer>, string) Tutorial(MLContext ml, SampleOptions o)
    {
        var pipeline = ml.Transforms.SlidingWindow("Window", o.InputColumns, o.Window, o.Horizon,
                labelColumnName: "Label", targetColumnName: o.Target)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.RelativeToFirst))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Window",
                HiddenSizes = o.Hidden,
                Dropout = 0.2f,
                Epochs = o.Epochs,
                BatchSize = o.BatchSize,
                LearningRate = 0.001f,
                ValidationFraction = 0.1f,
                EarlyStoppingPatience = 2,
                ConformalLevel = SampleBandLevel, // a 90% band calibrated on the last 20% of the training windows (docs/intervals-and-backtesting.md)
                Seed = o.Seed,
                Context = ml,
                Device = new TorchDeviceOptions { Device = o.Device, Threads = 1 },
                Progress = new ConsoleEpochProgress(),
            }));
        return (pipeline, $"Keras tutorial (--tutorial): window {o.Window} × {o.InputColumns.Length} columns, target {o.Target}, horizon {o.Horizon}, " +
            $"RelativeToFirst, LSTM {string.Join("×", o.Hidden)}, dropout 0.2, {o.Epochs} epoch(s), batch {o.BatchSize}, device {o.Device}, one torch thread");
    }
}
