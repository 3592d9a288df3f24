using MLNet.Lstm.Internal;
using MLNet.Lstm.Onnx;

namespace Microsoft.ML;

/// <summary>
/// Export of a fitted forecasting chain as one portable ONNX file (<c>mlContext.Forecasting.ExportOnnx</c>), for
/// scoring without ML.NET: any ONNX Runtime host, or SynapseML's <c>ONNXModel</c> on Spark (see docs/deployment.md).
/// </summary>
public static class ForecastingExportCatalog
{
    /// <summary>
    /// Writes the fitted chain (<c>SlidingWindow → NormalizeWindows → Lstm</c>; the first two steps optional) as a
    /// single ONNX graph: one input, the raw window, and the output <c>Score</c> in label units, with the
    /// normalisation and its inverse inside the graph.
    /// </summary>
    /// <remarks>
    /// <para>Input: the window column's name in the chain (e.g. <c>Window</c>), float <c>[N, T·F]</c>: N windows of
    /// T time steps × F series columns, time-major (the F values of the oldest step first), in the series' own
    /// units. Output <c>Score</c>: float <c>[N]</c> for horizon 1, <c>[N, h]</c> for horizon h; quantile and conformal
    /// models (issue 9) also output <c>LowerBound</c>, <c>UpperBound</c> (shaped like <c>Score</c>) and, for quantile
    /// models, <c>Quantiles</c> <c>[N, h, q]</c>, with the metadata <c>mlnet_lstm.quantile_levels</c>,
    /// <c>.conformal_level</c> and <c>.interval_level</c> copied from the LSTM graph.</para>
    /// <para>The graph is ONNX IR 8, opset 17, and carries <c>mlnet_lstm.*</c> metadata (format
    /// <c>ForecastingChain</c>, version 1: window column and size, feature columns, target, horizon, normalisation,
    /// steps) and the integrity stamp <c>mlnet_lstm.sha256</c>. Scores equal the chain's <c>Transform</c> to float
    /// rounding. A window whose normalisation base is zero (<c>RelativeToFirst</c>) scores as a non-finite value in
    /// the graph, where the in-memory chain throws.</para>
    /// <para>The model must be the chain as fitted (or as returned by <c>mlContext.Forecasting.LoadModel</c>); a chain
    /// reloaded with stock <c>mlContext.Model.Load</c>, or with steps other than the three above, is refused with a
    /// message naming the step.</para>
    /// </remarks>
    /// <param name="catalog">The forecasting catalog.</param>
    /// <param name="model">The fitted chain.</param>
    /// <param name="stream">A writable stream; the ONNX bytes are written at its position and it is not closed.</param>
    public static void ExportOnnx(this ForecastingCatalog catalog, ITransformer model, Stream stream)
    {
        Guard.NotNull(catalog, nameof(catalog));
        Guard.NotNull(model, nameof(model));
        Guard.NotNull(stream, nameof(stream));
        Guard.Check(stream.CanWrite, "ExportOnnx: the stream is not writable; pass a stream opened for writing (e.g. File.Create(path)).", nameof(stream));
        var bytes = ForecastingChainOnnx.Export(model);
        stream.Write(bytes, 0, bytes.Length);
    }
}
