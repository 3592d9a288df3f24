using TorchSharp;

namespace MLNet.Lstm.Tests;

[Collection(TorchGlobalStateCollection.Name)]
public class DeviceSelectionTests
{
    [Theory]
    [InlineData("auto", "Auto", 0)]
    [InlineData("cpu", "Cpu", 0)]
    [InlineData(" CPU ", "Cpu", 0)]
    [InlineData("cuda", "Cuda", 0)]
    [InlineData("cuda:0", "Cuda", 0)]
    [InlineData("CUDA:3", "Cuda", 3)]
    public void AcceptedFormsParse(string text, string kind, int index)
    {
        Assert.Equal(new TorchDeviceSpec(Enum.Parse<TorchDeviceKind>(kind), index), TorchDeviceSpec.Parse(text));
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("cuda:1:2")]
    [InlineData("cuda:99999999999")]
    [InlineData("mps")]
    public void InvalidStringNamesTheAcceptedForms(string text)
    {
        var options = new TorchDeviceOptions { Device = text };
        var ex = Assert.Throws<ArgumentException>(() => options.Validate());
        Assert.Contains($"Invalid device \"{text}\"", ex.Message);
        Assert.Contains("\"auto\", \"cpu\", \"cuda\", \"cuda:N\"", ex.Message);
        Assert.Throws<ArgumentException>(() => options.Resolve());
    }

    [Fact]
    public void NegativeThreadsIsAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TorchDeviceOptions { Threads = -1 }.Validate());
        Assert.Contains("Threads", ex.Message);
    }

    [Fact]
    public void AutoGivesCpuOnThisMachine()
    {
        var options = new TorchDeviceOptions();
        Assert.Equal("auto", options.Device);
        var selection = options.Resolve();
        Assert.Equal(DeviceType.CPU, selection.Device.type);
        Assert.False(selection.IsCuda);
        Assert.False(selection.FellBackToCpu);
        Assert.Contains("CUDA is not available", selection.CpuReason);
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    public void CudaWithoutGpuIsAClearError(string device)
    {
        Assert.False(torch.cuda.is_available());
        var ex = Assert.Throws<InvalidOperationException>(() => new TorchDeviceOptions { Device = device }.Resolve());
        Assert.Contains($"Device \"{device}\" was requested", ex.Message);
        Assert.Contains("CUDA is not available", ex.Message);
        Assert.Contains("FallbackToCpu = true", ex.Message);
    }

    [Fact]
    public void CudaWithExplicitFallbackUsesCpu()
    {
        var selection = new TorchDeviceOptions { Device = "cuda", FallbackToCpu = true }.Resolve();
        Assert.Equal(DeviceType.CPU, selection.Device.type);
        Assert.True(selection.FellBackToCpu);
    }

    [Fact]
    public void AutoWithoutFallbackRequiresCuda()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            TorchDeviceOptions.Select(new TorchDeviceOptions { FallbackToCpu = false }, cudaAvailable: false, cudaDeviceCount: 0));
        Assert.Contains("\"auto\" with FallbackToCpu = false", ex.Message);
    }

    [Theory]
    [InlineData("auto", 0)]
    [InlineData("cuda", 0)]
    [InlineData("cuda:1", 1)]
    public void CudaIsChosenWhenAvailable(string device, int index)
    {
        var selection = TorchDeviceOptions.Select(new TorchDeviceOptions { Device = device }, cudaAvailable: true, cudaDeviceCount: 2);
        Assert.True(selection.IsCuda);
        Assert.Equal(DeviceType.CUDA, selection.Device.type);
        Assert.Equal(index, selection.Device.index);
        Assert.Null(selection.CpuReason);
    }

    [Fact]
    public void CpuIsChosenWhenAskedEvenWithCuda()
    {
        var selection = TorchDeviceOptions.Select(new TorchDeviceOptions { Device = "cpu" }, cudaAvailable: true, cudaDeviceCount: 2);
        Assert.Equal(DeviceType.CPU, selection.Device.type);
        Assert.Null(selection.CpuReason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(true)]
    public void NonexistentCudaIndexIsAnErrorEvenWithFallback(bool? fallback)
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            TorchDeviceOptions.Select(new TorchDeviceOptions { Device = "cuda:2", FallbackToCpu = fallback }, cudaAvailable: true, cudaDeviceCount: 2));
        Assert.Contains("\"cuda:2\"", ex.Message);
        Assert.Contains("2 CUDA device(s): valid indices are 0 to 1", ex.Message);
    }

    [Fact]
    public void SeedMakesRandomNumbersRepeatable()
    {
        using var gate = MLNet.Lstm.Training.TorchRandomLock.Enter(); // torch's generator is process-wide: not during a Fit
        var options = new TorchDeviceOptions { Device = "cpu", Seed = 1234 };
        options.Resolve();
        using var a = torch.randn(16);
        options.Resolve();
        using var b = torch.randn(16);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
    }

    [Fact]
    public void ThreadsAreApplied()
    {
        using var gate = MLNet.Lstm.Training.TorchRandomLock.Enter(); // the thread count is process-wide: not during a Fit
        int before = torch.get_num_threads();
        try
        {
            new TorchDeviceOptions { Device = "cpu", Threads = 1 }.Resolve();
            Assert.Equal(1, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }
}
