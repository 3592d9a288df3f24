using System.Runtime.CompilerServices;

namespace MLNet.Lstm.Tests;

internal static class TestAssemblyInitializer
{
    /// <summary>Tests may touch TorchSharp directly, in any order: make its native library loadable first.</summary>
    [ModuleInitializer]
    internal static void Initialize() => TorchNativeLoader.TryEnsureLoadedQuietly();
}
