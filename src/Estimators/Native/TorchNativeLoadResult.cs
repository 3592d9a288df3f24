namespace MLNet.Lstm;

/// <summary>What <see cref="TorchNativeLoader.EnsureLoaded"/> did.</summary>
public sealed class TorchNativeLoadResult
{
    internal TorchNativeLoadResult(TorchNativeLoadAction action, string? nativeDirectory, string? loadedLibraryPath,
        IReadOnlyList<string> weakenedVersions)
    {
        Action = action;
        NativeDirectory = nativeDirectory;
        LoadedLibraryPath = loadedLibraryPath;
        WeakenedVersions = weakenedVersions;
    }

    /// <summary>What was done.</summary>
    public TorchNativeLoadAction Action { get; }

    /// <summary>The folder holding TorchSharp's original native libraries; null when <see cref="Action"/> is
    /// <see cref="TorchNativeLoadAction.NotNeeded"/>.</summary>
    public string? NativeDirectory { get; }

    /// <summary>Full path of the <c>libLibTorchSharp.so</c> that was loaded (the original or the patched copy).</summary>
    public string? LoadedLibraryPath { get; }

    /// <summary>The symbol versions whose requirement was marked weak in the patched copy (empty otherwise).</summary>
    public IReadOnlyList<string> WeakenedVersions { get; }

    /// <inheritdoc/>
    public override string ToString() => Action switch
    {
        TorchNativeLoadAction.NotNeeded => "TorchSharp native loading: nothing to do on this platform.",
        TorchNativeLoadAction.LoadedOriginal => $"TorchSharp native loading: loaded {LoadedLibraryPath} as shipped.",
        _ => $"TorchSharp native loading: loaded {LoadedLibraryPath} (copy with {string.Join(", ", WeakenedVersions)} marked weak).",
    };
}
