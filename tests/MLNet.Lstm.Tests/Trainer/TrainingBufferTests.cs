using static TorchSharp.torch;

namespace MLNet.Lstm.Tests.Trainer;

public class TrainingBufferTests
{
    // The trainer reads the windows once into one float[] and wraps it with from_array: a copy there would double
    // the memory of a large Fit (docs/benchmarks.md, suite 3). Views (view/narrow, as for the validation split) share it too.
    [Fact]
    public void FromArrayAndItsViewsShareTheManagedBuffer()
    {
        TorchNativeLoader.EnsureLoaded();
        var buffer = new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        using var all = from_array(buffer).view(-1, 2, 3);
        using var validation = all.narrow(0, 1, 1);
        buffer[7] = 42;
        Assert.Equal(42f, all[1, 0, 1].item<float>());
        Assert.Equal(42f, validation[0, 0, 1].item<float>());
        validation[0, 1, 2] = 7f;
        Assert.Equal(7f, buffer[11]);
    }
}
