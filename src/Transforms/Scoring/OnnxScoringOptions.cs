namespace MLNet.Lstm;

/// <summary>
/// Where and how a model's ONNX graph is scored by ONNX Runtime: on the CPU (the default) or on an NVIDIA GPU through
/// ONNX Runtime's CUDA execution provider. Given where a model is created or loaded
/// (e.g. <c>mlContext.Forecasting.LoadModel(path, scoringOptions)</c>).
/// </summary>
/// <remarks>
/// GPU scoring needs the <c>Microsoft.ML.OnnxRuntime.Gpu</c> package and CUDA 13 with cuDNN 9; without them, asking for
/// a GPU is an <see cref="InvalidOperationException"/> unless <see cref="FallbackToCpu"/> is set. GPU scores equal CPU
/// scores to float rounding. docs/deployment.md, 'GPU in .NET'.
/// </remarks>
public sealed class OnnxScoringOptions
{
    /// <summary>
    /// The CUDA device to score on (0 for the first GPU), or <see langword="null"/> (default) to score on the CPU.
    /// </summary>
    public int? GpuDeviceId { get; set; }

    /// <summary>
    /// When <see cref="GpuDeviceId"/> is set but the CUDA execution provider cannot be used (CPU-only ONNX Runtime
    /// build, no driver, no such device), score on the CPU instead of failing. Default <see langword="false"/>: the
    /// failure is reported. The scorer's execution provider tells which one is used.
    /// </summary>
    public bool FallbackToCpu { get; set; }

    /// <summary>Checks the values; throws naming the option.</summary>
    internal void Validate()
    {
        if (GpuDeviceId is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(GpuDeviceId), GpuDeviceId,
                $"OnnxScoringOptions.GpuDeviceId must be a CUDA device index (0 for the first GPU) or null for the CPU; got {GpuDeviceId}.");
        }
    }
}
