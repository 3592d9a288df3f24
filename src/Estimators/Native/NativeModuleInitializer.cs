using System.Runtime.CompilerServices;

namespace MLNet.Lstm;

internal static class NativeModuleInitializer
{
    /// <summary>Makes TorchSharp's native library loadable as soon as this assembly loads, before any of its code can
    /// touch <c>torch</c>. Never throws: a failure is recorded and thrown again by <see cref="TorchNativeLoader.EnsureLoaded"/>,
    /// which every torch-using entry point of this library calls first.</summary>
#pragma warning disable CA2255 // Module initializers in libraries: intended, torch's static constructor must not run first.
    [ModuleInitializer]
    internal static void Initialize() => TorchNativeLoader.TryEnsureLoadedQuietly();
#pragma warning restore CA2255
}
