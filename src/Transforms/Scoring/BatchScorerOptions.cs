using Microsoft.ML.OnnxRuntime;

namespace MLNet.Lstm.Scoring;

/// <summary>Options of <see cref="OnnxBatchScorer"/>.</summary>
internal sealed class BatchScorerOptions
{
    /// <summary>
    /// ML.NET input columns fed to the graph, each a known-size <c>Vector&lt;Single&gt;</c> whose graph input has
    /// shape <c>[N, d1, ..., dk]</c> with <c>d1·…·dk</c> equal to the vector size. The graph input of the same name
    /// is used unless <see cref="GraphInputNames"/> maps it.
    /// </summary>
    public IReadOnlyList<string> InputColumnNames { get; init; } = Array.Empty<string>();

    /// <summary>Optional graph input names, parallel to <see cref="InputColumnNames"/>.</summary>
    public IReadOnlyList<string>? GraphInputNames { get; init; }

    /// <summary>
    /// Graph outputs to expose, as ML.NET columns of the same name unless <see cref="OutputColumnNames"/> maps
    /// them. Every output must be float32 with shape <c>[N, fixed dims...]</c>.
    /// </summary>
    public IReadOnlyList<string> GraphOutputNames { get; init; } = Array.Empty<string>();

    /// <summary>Optional ML.NET output column names, parallel to <see cref="GraphOutputNames"/>.</summary>
    public IReadOnlyList<string>? OutputColumnNames { get; init; }

    /// <summary>
    /// Graph outputs exposed as a scalar <c>Single</c> column: an output of shape <c>[N]</c> always is; an output of
    /// shape <c>[N, 1]</c> is when its graph name is listed here (otherwise it is a <c>Vector&lt;Single&gt;</c> of 1).
    /// </summary>
    public IReadOnlyCollection<string> ScalarOutputs { get; init; } = Array.Empty<string>();

    /// <summary>
    /// Whether every output column gets exactly the type ML.NET's stock <c>OnnxTransformer</c> gives it, so that a
    /// component that scores with this scorer and saves as an <c>OnnxTransformer</c> has the same schema before and
    /// after a save/load: a <c>Vector&lt;Single&gt;</c> whose dimensions are the graph output's, with every
    /// symbolic (batch) dimension reported as 1 (<c>[N]</c> → <c>Vector&lt;Single, 1&gt;</c>,
    /// <c>[N, 3]</c> → <c>Vector&lt;Single, 1, 3&gt;</c>). No output is a scalar then, so
    /// <see cref="ScalarOutputs"/> must be empty.
    /// </summary>
    public bool StockOutputTypes { get; init; }

    /// <summary>Rows per <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue})"/> call (default 1,024).</summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpNumThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's intra-op workers spin while waiting for work (its default is to spin). Spinning
    /// lowers latency on an idle machine and wastes cores on a busy one.
    /// </summary>
    public bool AllowSpinning { get; init; } = true;

    /// <summary>CPU (default) or CUDA execution (<see cref="OnnxScoringOptions"/>, public where models are created or loaded).</summary>
    public OnnxScoringOptions Device { get; init; } = new();
}
