using MLNet.Lstm;
using MLNet.Lstm.Internal;
using MLNet.Lstm.Onnx;

namespace Microsoft.ML;

/// <summary>
/// Loading saved forecasting models on <see cref="ForecastingCatalog"/>: <c>mlContext.Forecasting.LoadModel</c>.
/// </summary>
public static class ForecastingModelCatalog
{
    /// <summary>
    /// Loads a model zip written by <c>mlContext.Model.Save</c> as a chain of our own fitted transformers, scoring in
    /// batches through ONNX Runtime. Stock <c>mlContext.Model.Load</c> keeps working on the same zip.
    /// </summary>
    /// <remarks>
    /// <para>Input: window rows or a raw series (the rebuilt <c>SlidingWindow</c> step windows it). Output: the saved
    /// chain's columns (<c>Score</c>, and bounds where the model has them).</para>
    /// <para>Our steps are rebuilt as <see cref="MLNet.Lstm.SlidingWindowTransformer"/>,
    /// <see cref="MLNet.Lstm.NormalizeWindowsTransformer"/> or <see cref="MLNet.Lstm.LstmForecastingTransformer"/>;
    /// other steps stay as ML.NET loaded them. Dispose the chain to release its ONNX Runtime sessions. The checks and
    /// what a loaded transformer holds: docs/design.md, 'Persistence'.</para>
    /// </remarks>
    /// <exception cref="InvalidDataException">An entry's length or CRC-32, a graph's integrity stamp, a graph's
    /// metadata or the steps' agreement with each other is wrong; the message names the file, entry and fault.</exception>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="path">The model zip.</param>
    /// <returns>The fitted chain (or the single transformer that was saved).</returns>
    public static ITransformer LoadModel(this ForecastingCatalog catalog, string path) => catalog.LoadModel(path, out _);

    /// <summary>Loads a model zip as <see cref="LoadModel(ForecastingCatalog, string)"/> does, and its input schema.</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="path">The model zip.</param>
    /// <param name="inputSchema">The schema the model was saved with (as <c>mlContext.Model.Load</c> returns it).</param>
    public static ITransformer LoadModel(this ForecastingCatalog catalog, string path, out DataViewSchema inputSchema)
        => catalog.LoadModel(path, new OnnxScoringOptions(), out inputSchema);

    /// <summary>
    /// Loads a model zip as <see cref="LoadModel(ForecastingCatalog, string)"/> does, scoring its LSTM where
    /// <paramref name="scoring"/> says: e.g. <c>new OnnxScoringOptions { GpuDeviceId = 0 }</c> for ONNX Runtime's CUDA
    /// execution provider (needs the <c>Microsoft.ML.OnnxRuntime.Gpu</c> package, CUDA 13 and cuDNN 9; without them
    /// this fails with an error saying so, unless <see cref="OnnxScoringOptions.FallbackToCpu"/> is set).
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="path">The model zip.</param>
    /// <param name="scoring">Where the LSTM graph is scored.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    public static ITransformer LoadModel(this ForecastingCatalog catalog, string path, OnnxScoringOptions scoring, out DataViewSchema inputSchema)
    {
        Guard.NotNull(catalog, nameof(catalog));
        Guard.NotNullOrEmpty(path, nameof(path));
        Guard.NotNull(scoring, nameof(scoring));
        scoring.Validate();
        return SavedModelLoader.LoadFile(path, scoring, out inputSchema);
    }

    /// <summary>
    /// Loads a model zip from a stream (read from its current position to its end; not closed), as
    /// <see cref="LoadModel(ForecastingCatalog, string)"/> does.
    /// </summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="stream">A readable stream holding the model zip.</param>
    public static ITransformer LoadModel(this ForecastingCatalog catalog, Stream stream) => catalog.LoadModel(stream, out _);

    /// <summary>Loads a model zip from a stream, and its input schema.</summary>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="stream">A readable stream holding the model zip.</param>
    /// <param name="inputSchema">The schema the model was saved with.</param>
    public static ITransformer LoadModel(this ForecastingCatalog catalog, Stream stream, out DataViewSchema inputSchema)
    {
        Guard.NotNull(catalog, nameof(catalog));
        Guard.NotNull(stream, nameof(stream));
        return SavedModelLoader.LoadStream(stream, new OnnxScoringOptions(), out inputSchema);
    }
}
