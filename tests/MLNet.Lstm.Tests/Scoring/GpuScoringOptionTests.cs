using Microsoft.ML.OnnxRuntime;
using MLNet.Lstm.Scoring;
using Xunit.Abstractions;

namespace MLNet.Lstm.Tests.Scoring;

/// <summary>
/// <see cref="OnnxScoringOptions.GpuDeviceId"/> on this machine: the tests reference the CPU ONNX Runtime package,
/// so asking for CUDA must fail with a message that names the option, the cause and the fix.
/// </summary>
public class GpuScoringOptionTests
{
    private const int T = 5, F = 2, H = 4;
    private static readonly byte[] Model = LstmTestGraph.Build(T, F, H);
    private readonly ITestOutputHelper _log;

    public GpuScoringOptionTests(ITestOutputHelper log) => _log = log;

    private static BatchScorerOptions Options(OnnxScoringOptions device) => new()
    {
        InputColumnNames = new[] { "Window" },
        GraphOutputNames = new[] { "Score" },
        Device = device,
    };

    [Fact]
    public void AskingForCudaWithTheCpuOnnxRuntimeFailsNamingTheOptionAndTheFix()
    {
        Assert.DoesNotContain("CUDAExecutionProvider", OrtEnv.Instance().GetAvailableProviders());
        var e = Assert.Throws<InvalidOperationException>(() => new OnnxBatchScorer(Model, Options(new OnnxScoringOptions { GpuDeviceId = 0 })));
        _log.WriteLine(e.Message);
        Assert.Contains("OnnxScoringOptions.GpuDeviceId = 0", e.Message);
        Assert.Contains("the CUDA execution provider is not available in the loaded ONNX Runtime build", e.Message);
        Assert.Contains("reference the Microsoft.ML.OnnxRuntime.Gpu package", e.Message);
        Assert.Contains("CUDA 13 and cuDNN 9", e.Message);
        Assert.Contains("leave GpuDeviceId null", e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void FallbackToCpuScoresOnTheCpuAndSaysSo()
    {
        var windows = LstmTestGraph.RandomWindows(3, T, F);
        using var cpu = new OnnxBatchScorer(Model, Options(new OnnxScoringOptions()));
        using var fallback = new OnnxBatchScorer(Model, Options(new OnnxScoringOptions { GpuDeviceId = 0, FallbackToCpu = true }));
        Assert.Equal("CPU", cpu.ExecutionProvider);
        Assert.Equal("CPU", fallback.ExecutionProvider);

        var input = new[] { NamedOnnxValue.CreateFromTensor("Window", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(windows, new[] { 3, T * F })) };
        using var a = cpu.Session.Run(input);
        using var b = fallback.Session.Run(input);
        Assert.Equal(a.Single(r => r.Name == "Score").AsTensor<float>().ToArray(), b.Single(r => r.Name == "Score").AsTensor<float>().ToArray());
    }

    [Fact]
    public void ANegativeDeviceIsRefusedNamingTheOption()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxBatchScorer(Model, Options(new OnnxScoringOptions { GpuDeviceId = -1 })));
        Assert.Equal("GpuDeviceId", e.ParamName);
        Assert.Contains("OnnxScoringOptions.GpuDeviceId", e.Message);
    }
}
