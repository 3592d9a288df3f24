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
    /// Loads a model zip written by <c>mlContext.Model.Save</c> as a chain of our own fitted transformers, which score
    /// through the batched ONNX Runtime scorer: the deployed path at the speed of a freshly fitted model. Stock
    /// <c>mlContext.Model.Load</c> keeps working on the same zip (as a chain of ML.NET built-ins, scoring row by row).
    /// </summary>
    /// <remarks>
    /// <para>Every step saved by <c>SlidingWindow</c>, <c>NormalizeWindows</c> or the LSTM trainer is rebuilt from its
    /// ONNX graph and <c>mlnet_lstm.*</c> metadata as a <see cref="MLNet.Lstm.SlidingWindowTransformer"/>,
    /// <see cref="MLNet.Lstm.NormalizeWindowsTransformer"/> or <see cref="MLNet.Lstm.LstmForecastingTransformer"/>;
    /// any other step is kept as ML.NET loaded it, with the chain's scopes. The loaded chain scores window rows and,
    /// unlike the stock-loaded one, also a raw series (its <c>SlidingWindow</c> step windows it again).</para>
    /// <para>Scores equal the stock-loaded chain's bit for bit for the LSTM graph; a rebuilt <c>NormalizeWindows</c>
    /// computes as a fitted one does (see its remarks for how that compares with its saved graph).</para>
    /// <para>Checks (each failure an <see cref="InvalidDataException"/> naming the file, the zip entry and what is
    /// wrong): every zip entry's length and CRC-32; every graph's integrity stamp (<c>mlnet_lstm.sha256</c>; graphs
    /// saved before stamps existed are accepted on the CRC and the checks below); each graph's metadata against the
    /// graph (input and output shapes, weights); and the steps against each other (window size, feature columns
    /// and their order, target, normalisation, horizon).</para>
    /// <para>A loaded <see cref="MLNet.Lstm.LstmForecastingTransformer"/> has the saved graph and the weights read back from
    /// it (so <c>Summary</c> works and it can warm-start a new fit), an empty <c>History</c>, <c>BestEpoch</c> 0, and
    /// <c>Settings</c> holding only what the graph records (columns, window shape, horizon, target, normalisation, hidden
    /// sizes); its training-only settings keep their defaults, and <c>Summary</c> lists no dropout layers.</para>
    /// <para>Dispose the returned chain to release its ONNX Runtime sessions.</para>
    /// </remarks>
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
