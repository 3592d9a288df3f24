using Microsoft.ML.OnnxRuntime;

namespace MLNet.Lstm.Scoring;

/// <summary>
/// Creates the ONNX Runtime session of an <see cref="OnnxBatchScorer"/>: sequential execution, all graph
/// optimisations, the configured intra-op threads, on the CPU or on the CUDA device of
/// <see cref="OnnxScoringOptions.GpuDeviceId"/>.
/// </summary>
internal static class OnnxSessionFactory
{
    public const string Cpu = "CPU";

    /// <summary>Returns the session and the execution provider it runs on (<c>CPU</c> or <c>CUDA:{id}</c>).</summary>
    public static (InferenceSession Session, string ExecutionProvider) Create(byte[] model, BatchScorerOptions options)
    {
        var device = options.Device;
        if (device.GpuDeviceId is not int id)
            return (CreateSession(model, options, gpuDeviceId: null), Cpu);
        try
        {
            return (CreateSession(model, options, id), $"CUDA:{id}");
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            if (device.FallbackToCpu)
                return (CreateSession(model, options, gpuDeviceId: null), Cpu);
            throw CudaUnavailable(id, e);
        }
    }

    private static InferenceSession CreateSession(byte[] model, BatchScorerOptions options, int? gpuDeviceId)
    {
        using var sessionOptions = new SessionOptions
        {
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.IntraOpNumThreads,
            InterOpNumThreads = 1,
        };
        if (!options.AllowSpinning)
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (gpuDeviceId is int id)
            sessionOptions.AppendExecutionProvider_CUDA(id);
        return new InferenceSession(model, sessionOptions);
    }

    private static InvalidOperationException CudaUnavailable(int id, Exception inner)
    {
        bool cpuBuild = !OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider");
        string detail = inner.Message.Trim().TrimEnd('.');
        string message = cpuBuild
            ? $"OnnxScoringOptions.GpuDeviceId = {id} asks for GPU scoring, but the CUDA execution provider is not available in the " +
              $"loaded ONNX Runtime build (the CPU-only package Microsoft.ML.OnnxRuntime; {detail}). Fix: reference the " +
              "Microsoft.ML.OnnxRuntime.Gpu package in the application (in place of Microsoft.ML.OnnxRuntime) on a machine with an " +
              $"NVIDIA GPU, {CudaLibraries}; or leave GpuDeviceId null to score on the CPU (or set OnnxScoringOptions.FallbackToCpu)."
            : $"OnnxScoringOptions.GpuDeviceId = {id} asks for GPU scoring, and this ONNX Runtime build has the CUDA execution " +
              $"provider, but it could not start on device {id} ({detail}). Fix: install the NVIDIA driver and {CudaLibraries} " +
              "(on the library path), check that the device exists (nvidia-smi -L); or leave GpuDeviceId null to score on the CPU " +
              "(or set OnnxScoringOptions.FallbackToCpu).";
        return new InvalidOperationException(message, inner);
    }

    /// <summary>What ONNX Runtime 1.31's CUDA build loads: libcudart/libcublas .so.13 and cuDNN 9.</summary>
    private const string CudaLibraries = "CUDA 13 and cuDNN 9";
}
