using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Search;

/// <summary>The chain of one candidate of the one call: <c>SlidingWindow</c> → <c>NormalizeWindows</c> → the LSTM trainer.</summary>
internal static class SearchChain
{
    /// <summary>The window column.</summary>
    public const string WindowColumnName = "Window";

    /// <summary>The label column.</summary>
    public const string LabelColumnName = "Label";

    /// <summary>The windowing and normalisation of <paramref name="c"/>.</summary>
    public static EstimatorChain<NormalizeWindowsTransformer> Prefix(ForecastByLstmOptions o, SearchCandidate c)
    {
        var ml = new MLContext(o.Seed);
        return ml.Transforms.SlidingWindow(WindowOptions(o, c.WindowSize)).Append(ml.Transforms.NormalizeWindows(WindowColumnName, mode: c.Normalization));
    }

    /// <summary>The <c>SlidingWindow</c> of the options' columns and horizon with windows of <paramref name="windowSize"/>.</summary>
    public static SlidingWindowEstimator.Options WindowOptions(ForecastByLstmOptions o, int windowSize) => new()
    {
        OutputColumnName = WindowColumnName,
        InputColumnNames = o.InputColumnNames ?? new[] { o.TargetColumnName },
        WindowSize = windowSize,
        Horizon = o.Horizon,
        LabelColumnName = LabelColumnName,
        TargetColumnName = o.TargetColumnName,
        SeriesColumnName = o.SeriesColumnName,
    };

    /// <summary>
    /// The trainer options of <paramref name="c"/>: one layer (<see cref="ForecastByLstmSearchSettings"/>'s size for one
    /// or several series), no dropout, Adam, the batch for <paramref name="trainingWindows"/> windows, the candidate's
    /// loss and seasonal period (standardised seasonal differences), one torch thread, the caller's seed, context and
    /// cancellation; no validation, one network and <see cref="ForecastByLstmSearchSettings.Epochs"/> epochs (the caller
    /// sets those).
    /// </summary>
    public static LstmForecastingTrainer.Options Trainer(ForecastByLstmOptions o, ForecastByLstmSearchSettings s, SearchCandidate c, bool manySeries, long trainingWindows) => new()
    {
        LabelColumnName = LabelColumnName,
        FeatureColumnName = WindowColumnName,
        HiddenSizes = new[] { manySeries ? s.HiddenSizeManySeries : s.HiddenSizeOneSeries },
        Dropout = 0f,
        Epochs = s.Epochs,
        BatchSize = s.BatchSizeFor(trainingWindows),
        LearningRate = s.LearningRate,
        Loss = c.Loss,
        RestoreBestWeights = true,
        SeasonalPeriod = c.SeasonalPeriod,
        SeasonalInput = c.SeasonalPeriod > 0 ? SeasonalNetworkInput.StandardizedDifferences : null,
        Seed = o.Seed,
        Device = new TorchDeviceOptions { Threads = 1 },
        Context = o.Context,
        CancellationToken = o.CancellationToken,
    };
}
