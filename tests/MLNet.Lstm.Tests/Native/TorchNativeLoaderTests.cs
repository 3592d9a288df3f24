namespace MLNet.Lstm.Tests.Native;

public class TorchNativeLoaderTests
{
    [Fact]
    public void EnsureLoadedIsIdempotentAndThreadSafe()
    {
        var first = TorchNativeLoader.EnsureLoaded();
        var results = new TorchNativeLoadResult[8];
        Parallel.For(0, results.Length, i => results[i] = TorchNativeLoader.EnsureLoaded());
        Assert.All(results, r => Assert.Same(first, r));
        Assert.Null(TorchNativeLoader.LastError);
    }

    [Fact]
    public void OnASystemWithoutGlibcxx3432ThePatchedCopyIsLoaded()
    {
        var result = TorchNativeLoader.EnsureLoaded();
        Assert.NotNull(result.NativeDirectory);
        if (SystemLibStdCxxHas("GLIBCXX_3.4.32"))
        {
            Assert.Equal(TorchNativeLoadAction.LoadedOriginal, result.Action);
            Assert.Empty(result.WeakenedVersions);
            return;
        }
        Assert.Equal(TorchNativeLoadAction.LoadedPatchedCopy, result.Action);
        Assert.Equal(["GLIBCXX_3.4.32"], result.WeakenedVersions);
        Assert.Equal("libLibTorchSharp.so", Path.GetFileName(result.LoadedLibraryPath));
        Assert.NotEqual(result.NativeDirectory, Path.GetDirectoryName(result.LoadedLibraryPath));
        Assert.Contains("GLIBCXX_3.4.32", result.ToString());
        var copy = File.ReadAllBytes(result.LoadedLibraryPath!);
        Assert.Equal(ElfVersionPatchOutcome.AlreadyWeak, ElfVersionPatcher.Inspect(copy, "GLIBCXX_3.4.32").Outcome);
    }

    [Fact]
    public void MissingVersionErrorNamesLibraryVersionAndFix()
    {
        var error = new DllNotFoundException(
            "Unable to load shared library '/app/libLibTorchSharp.so' or one of its dependencies. In order to help diagnose " +
            "loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG " +
            "environment variable: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.30' not found " +
            "(required by /app/libLibTorchSharp.so)");

        var ex = TorchNativeLoader.Translate("/app/libLibTorchSharp.so", error);

        Assert.Equal("GLIBCXX_3.4.30", ex.MissingVersion);
        Assert.Equal("/app/libLibTorchSharp.so", ex.LibraryPath);
        Assert.Null(ex.MissingFile);
        Assert.Same(error, ex.InnerException);
        Assert.Contains("/app/libLibTorchSharp.so", ex.Message);
        Assert.Contains("/lib/x86_64-linux-gnu/libstdc++.so.6", ex.Message);
        Assert.Contains("lacks the symbol version GLIBCXX_3.4.30", ex.Message);
        Assert.Contains("GCC 13", ex.Message);
    }

    [Fact]
    public void MissingFileErrorNamesFileAndRuntimePackage()
    {
        var error = new DllNotFoundException(
            "Unable to load shared library '/app/libLibTorchSharp.so' or one of its dependencies. In order to help diagnose " +
            "loading problems, consider using a tool like strace. If you're using glibc, consider setting the LD_DEBUG " +
            "environment variable: libtorch_cpu.so: cannot open shared object file: No such file or directory");

        var ex = TorchNativeLoader.Translate("/app/libLibTorchSharp.so", error);

        Assert.Equal("libtorch_cpu.so", ex.MissingFile);
        Assert.Null(ex.MissingVersion);
        Assert.Contains("the file libtorch_cpu.so was not found", ex.Message);
        Assert.Contains("TorchSharp-cpu", ex.Message);
    }

    private static bool SystemLibStdCxxHas(string version)
    {
        foreach (var path in new[] { "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" })
        {
            if (File.Exists(path))
                return File.ReadAllBytes(path).AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(version + "\0")) >= 0;
        }
        return false;
    }
}
