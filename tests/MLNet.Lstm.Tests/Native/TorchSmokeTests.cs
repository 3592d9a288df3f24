using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Lstm.Tests.Native;

[Collection(TorchGlobalStateCollection.Name)]
public class TorchSmokeTests
{
    [Fact]
    public void LstmForwardAndBackwardOnCpuGivesFiniteNonZeroGradient()
    {
        var load = TorchNativeLoader.EnsureLoaded();
        Assert.NotEqual(TorchNativeLoadAction.NotNeeded, load.Action);
        Assert.NotNull(load.LoadedLibraryPath);
        Assert.True(File.Exists(load.LoadedLibraryPath));

        using var gate = MLNet.Lstm.Training.TorchRandomLock.Enter(); // torch's generator is process-wide: not during a Fit
        torch.manual_seed(42);
        using var lstm = nn.LSTM(inputSize: 3, hiddenSize: 8, numLayers: 2, batchFirst: true);
        using var x = torch.randn(4, 5, 3);
        var (output, h, c) = lstm.forward(x);
        Assert.Equal(new long[] { 4, 5, 8 }, output.shape);
        Assert.Equal(DeviceType.CPU, output.device_type);

        using var loss = output.pow(2).mean();
        loss.backward();

        var weight = lstm.named_parameters().First(p => p.name == "weight_ih_l0").parameter;
        using var grad = weight.grad!;
        Assert.NotNull(grad);
        Assert.True(grad.isfinite().all().item<bool>(), "gradient has non-finite values");
        Assert.True(grad.abs().sum().item<float>() > 0f, "gradient is all zero");
        output.Dispose(); h.Dispose(); c.Dispose();
    }
}
