using Microsoft.ML;
using MLNet.Lstm;

namespace StockForecast;

/// <summary>The sample's two configurations: the recommended <c>ForecastByLstm</c> (default) and the Keras tutorial's (<c>--tutorial</c>).</summary>
internal static class Configurations
{
    /// <summary>
    /// The level of the split-conformal band the sample adds where it builds the trainer options itself; the
    /// one-call ForecastByLstm (the default run without overrides) has no band.
    /// </summary>
    private const float SampleBandLevel = 0.9f;

    /// <summary>The pipeline <paramref name="o"/> asks for, and a one-line description of it.</summary>
    public static (IEstimator<ITransformer> Pipeline, string Description) Build(MLContext ml, SampleOptions o) =>
        o.Tutorial ? Tutorial(ml, o) : Recommended(ml, o);

    /// <summary>
    /// The recommended configuration (docs/accuracy.md): one call, <c>mlContext.Forecasting.ForecastByLstm</c>. With
    /// <c>--epochs</c>, <c>--hidden</c>, <c>--batch-size</c> or a <c>--device</c> other than auto, the same chain is
    /// built explicitly from <see cref="ForecastByLstmCatalog.RecommendedTrainerOptions"/> with those changes and a 90%
    /// conformal band (<see cref="SampleBandLevel"/>).
    /// </summary>
    private static (IEstimator<ITransformer>, string) Recommended(MLContext ml, SampleOptions o)
    {
        var trainer = ForecastByLstmCatalog.RecommendedTrainerOptions(o.Seed);
        string description = $"ForecastByLstm (recommended): window {o.Window} × {o.InputColumns.Length} column(s), target {o.Target}, horizon {o.Horizon}, " +
            $"NormalizeWindows {ForecastByLstmCatalog.RecommendedNormalization}, LSTM {string.Join("×", o.HiddenOverride ?? trainer.HiddenSizes)}, " +
            $"ensemble of {trainer.EnsembleSize}, up to {o.EpochsOverride ?? trainer.Epochs} epochs with early stopping";
        bool overridden = o.EpochsOverride is not null || o.HiddenOverride is not null || o.BatchSizeOverride is not null || o.Device != "auto";
        if (!overridden)
            return (ml.Forecasting.ForecastByLstm(o.Target, o.Window, o.Horizon, o.InputColumns, o.Seed), description);

        trainer.Epochs = o.EpochsOverride ?? trainer.Epochs;
        trainer.HiddenSizes = o.HiddenOverride ?? trainer.HiddenSizes;
        trainer.BatchSize = o.BatchSizeOverride ?? trainer.BatchSize;
        trainer.Device.Device = o.Device;
        trainer.Context = ml;
        trainer.ConformalLevel = SampleBandLevel; // a 90% band calibrated on the last 20% of the training windows, averaged over the members
        var pipeline = ml.Transforms.SlidingWindow("Window", o.InputColumns, o.Window, o.Horizon, labelColumnName: "Label", targetColumnName: o.Target)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: ForecastByLstmCatalog.RecommendedNormalization))
            .Append(ml.Forecasting.Lstm(trainer));
        return (pipeline, description);
    }

    /// <summary>
    /// The Keras tutorial's configuration: windows of 49 days of the four indices, per-window normalisation
    /// p / p0 - 1, three LSTM layers of 100 with dropout 0.2, 2 epochs, batch 32.
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
                Device = new TorchDeviceOptions { Device = o.Device },
                Progress = new ConsoleEpochProgress(),
            }));
        return (pipeline, $"Keras tutorial (--tutorial): window {o.Window} × {o.InputColumns.Length} columns, target {o.Target}, horizon {o.Horizon}, " +
            $"RelativeToFirst, LSTM {string.Join("×", o.Hidden)}, dropout 0.2, {o.Epochs} epoch(s), batch {o.BatchSize}, device {o.Device}");
    }
}
