using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNet.Lstm.Tests.Correctness;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Scoring;

/// <summary>
/// The public way to score a saved model on the GPU, <c>mlContext.Forecasting.LoadModel(path, new OnnxScoringOptions
/// { GpuDeviceId = 0 }, out _)</c>: without CUDA (this machine, the CPU ONNX Runtime package) it fails with the scoring
/// option's clear error, and with <c>FallbackToCpu</c> it scores on the CPU exactly as the default load.
/// </summary>
public class LoadModelGpuOptionTests
{
    [Fact]
    public void LoadModelOnTheGpuWithoutCudaFailsClearlyOrFallsBackToTheSameCpuScores()
    {
        Assert.DoesNotContain("CUDAExecutionProvider", OrtEnv.Instance().GetAvailableProviders());
        var fitted = TinyChain.Get();
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<InvalidOperationException>(() =>
            ml.Forecasting.LoadModel(fitted.ZipPath, new OnnxScoringOptions { GpuDeviceId = 0 }, out _));
        Assert.Contains("OnnxScoringOptions.GpuDeviceId = 0", e.Message);
        Assert.Contains("CUDA execution provider is not available", e.Message);

        var rows = ml.Data.LoadFromEnumerable(new[] { new TinyChain.WindowInput { Window = TinyChain.Window(3) } });
        var cpu = ml.Forecasting.LoadModel(fitted.ZipPath);
        var fallback = ml.Forecasting.LoadModel(fitted.ZipPath, new OnnxScoringOptions { GpuDeviceId = 0, FallbackToCpu = true }, out _);
        Assert.Equal(Vectors(cpu.Transform(rows), "Score")[0], Vectors(fallback.Transform(rows), "Score")[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.LoadModel(fitted.ZipPath, new OnnxScoringOptions { GpuDeviceId = -1 }, out _));
    }
}
