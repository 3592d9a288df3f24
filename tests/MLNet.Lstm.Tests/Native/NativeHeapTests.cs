using MLNet.Lstm.Training;

namespace MLNet.Lstm.Tests.Native;

[Collection(TorchGlobalStateCollection.Name)]
public class NativeHeapTests
{
    [Fact]
    public void ResolvingTheDeviceTunesGlibcsHeapOnceUnlessTheUserChose()
    {
        new TorchDeviceOptions { Device = "cpu" }.Resolve();
        bool userChose = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null;
        bool glibc = OperatingSystem.IsLinux() && File.Exists("/lib/x86_64-linux-gnu/libc.so.6");
        // This machine (Debian 12, glibc) takes the settings; mallopt returned success for both.
        Assert.Equal(glibc && !userChose, NativeHeap.IsTunedForTraining);
        // A second call changes nothing and reports the same state.
        Assert.Equal(NativeHeap.IsTunedForTraining, NativeHeap.TuneForTraining());
    }
}
