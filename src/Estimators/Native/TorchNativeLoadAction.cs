namespace MLNet.Lstm;

/// <summary>How <see cref="TorchNativeLoader.EnsureLoaded"/> made TorchSharp's native library available.</summary>
public enum TorchNativeLoadAction
{
    /// <summary>Nothing to do on this platform (not Linux x64): TorchSharp's own loader is used unchanged.</summary>
    NotNeeded,

    /// <summary>The original <c>libLibTorchSharp.so</c> loaded as shipped.</summary>
    LoadedOriginal,

    /// <summary>
    /// The original needs a <c>libstdc++</c> symbol version this system lacks but never uses; a copy with that
    /// requirement marked weak was loaded instead (it serves every later load of <c>libLibTorchSharp.so</c>).
    /// </summary>
    LoadedPatchedCopy,
}
