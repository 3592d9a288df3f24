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
    /// <para>Input: the window column (e.g. <c>Window</c>), float <c>[N, T·F]</c>, time-major, in the series' units.
    /// Output: <c>Score</c>, float <c>[N]</c> or <c>[N, h]</c> in label units; interval models also output
    /// <c>LowerBound</c>, <c>UpperBound</c> and (quantile models) <c>Quantiles</c> <c>[N, h, q]</c>.</para>
    /// <para>The model must be the chain as fitted or as returned by <c>mlContext.Forecasting.LoadModel</c>. The
    /// graph's contract and metadata: docs/deployment.md, 'The graph's contract'.</para>
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
