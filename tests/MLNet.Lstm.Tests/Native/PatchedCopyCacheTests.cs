namespace MLNet.Lstm.Tests.Native;

public class PatchedCopyCacheTests
{
    [Fact]
    public void TheTemporaryFolderFallbackIsAFreshFolderOnlyTheUserCanAccess()
    {
        var image = new byte[] { 1, 2, 3, 4 };
        string first = TorchNativeLoader.WritePatchedCopy(image, "hash", "libLibTorchSharp.so", new string?[] { null });
        string second = TorchNativeLoader.WritePatchedCopy(image, "hash", "libLibTorchSharp.so", new string?[] { null });
        try
        {
            Assert.Equal(image, File.ReadAllBytes(first));
            Assert.NotEqual(Path.GetDirectoryName(first), Path.GetDirectoryName(second)); // no predictable shared path
            Assert.StartsWith(Path.GetTempPath(), first);
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(Path.GetDirectoryName(first)!);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, mode);
            }
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(first)!, "*.tmp"));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(first)!, recursive: true);
            Directory.Delete(Path.GetDirectoryName(second)!, recursive: true);
        }
    }

    [Fact]
    public void AnUnwritableRootFallsThroughToTheNextOne()
    {
        var image = new byte[] { 9, 8, 7 };
        string root = Path.Combine(Path.GetTempPath(), $"native-cache-{Guid.NewGuid():N}");
        try
        {
            string path = TorchNativeLoader.WritePatchedCopy(image, "abc", "lib.so", new string?[] { "/proc/not-writable", root });
            Assert.Equal(Path.Combine(root, "abc", "libLibTorchSharp.so"), path);
            Assert.Equal(image, File.ReadAllBytes(path));
        }
        finally
        {
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
    }
}
