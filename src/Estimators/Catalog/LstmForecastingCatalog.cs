using MLNet.Lstm;

namespace Microsoft.ML;

/// <summary>LSTM forecasting on <see cref="ForecastingCatalog"/> (<c>mlContext.Forecasting</c>).</summary>
public static class LstmForecastingCatalog
{
    /// <summary>
    /// Creates an <see cref="LstmForecastingTrainer"/>: stacked LSTM layers over a window column (<c>[T, F]</c>
    /// values) predicting the label (Single, or a vector of h values) into a <c>Score</c> column.
    /// </summary>
    /// <remarks>
    /// Input columns: the label and the window column. Output: <c>Score</c>. This overload trains silently with seed 0;
    /// to use your <see cref="MLContext"/>'s log, progress and seed, set <see cref="LstmForecastingTrainer.Options.Context"/>
    /// (docs/trainer.md, 'The context rule').
    /// </remarks>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="labelColumnName">The label column.</param>
    /// <param name="featureColumnName">The window column.</param>
    /// <param name="hiddenSizes">The hidden size of each LSTM layer; null means { 100, 100, 100 }.</param>
    /// <param name="dropout">Dropout between layers and before the head, in [0, 1).</param>
    /// <param name="epochs">Number of epochs.</param>
    /// <param name="batchSize">Mini-batch size.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    public static LstmForecastingTrainer Lstm(this ForecastingCatalog catalog,
        string labelColumnName = "Label", string featureColumnName = "Window",
        int[]? hiddenSizes = null, float dropout = 0.2f, int epochs = 2, int batchSize = 32,
        float learningRate = 0.001f)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = new LstmForecastingTrainer.Options
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Dropout = dropout,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
        };
        if (hiddenSizes is not null)
            options.HiddenSizes = hiddenSizes;
        return new LstmForecastingTrainer(options);
    }

    /// <summary>Creates an <see cref="LstmForecastingTrainer"/> with all options.</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="options">The trainer's options (validated here).</param>
    public static LstmForecastingTrainer Lstm(this ForecastingCatalog catalog, LstmForecastingTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        return new LstmForecastingTrainer(options);
    }
}
