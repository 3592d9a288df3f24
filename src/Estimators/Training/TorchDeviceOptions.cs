using System.Globalization;
using TorchSharp;

namespace MLNet.Lstm;

/// <summary>
/// Where and how a torch-using component of MLNet.Lstm computes: the device, whether a missing GPU may fall back to
/// the CPU, the number of CPU threads and the random seed. Every torch-using component takes this one type.
/// </summary>
public sealed class TorchDeviceOptions
{
    /// <summary>The accepted forms of <see cref="Device"/>, for messages and documentation.</summary>
    public const string AcceptedDeviceForms = "\"auto\", \"cpu\", \"cuda\", \"cuda:N\" (N = 0, 1, ...: a CUDA device index)";

    /// <summary>
    /// The device: <c>"auto"</c> (default: CUDA when <c>torch.cuda.is_available()</c>, else CPU), <c>"cpu"</c>,
    /// <c>"cuda"</c> (CUDA device 0) or <c>"cuda:N"</c>. Case and surrounding spaces are ignored.
    /// </summary>
    public string Device { get; set; } = "auto";

    /// <summary>
    /// Whether the CPU may be used when CUDA is not available. Null (default) means true for <c>"auto"</c> and false
    /// for <c>"cuda"</c>/<c>"cuda:N"</c>, whose request then fails with a clear error instead of being silently
    /// ignored. A CUDA device index that does not exist is an error even when CUDA is available and this is true.
    /// </summary>
    public bool? FallbackToCpu { get; set; }

    /// <summary>Number of CPU threads torch uses (<c>torch.set_num_threads</c>, process-wide); 0 (default) keeps
    /// TorchSharp's default.</summary>
    public int Threads { get; set; }

    /// <summary>
    /// On Linux with glibc, raise the C library's thresholds for mapping and trimming large blocks once per process
    /// before training, so that libtorch's per-batch buffers are reused instead of page-faulted in at every batch
    /// (5–10× faster training from hidden 64 or batch 512 on in the benchmark's scaling suite; see docs/benchmarks.md). Process-wide; default
    /// <see langword="true"/>. The environment variables <c>MALLOC_MMAP_THRESHOLD_</c> / <c>MALLOC_TRIM_THRESHOLD_</c>
    /// win when set.
    /// </summary>
    public bool TuneNativeAllocator { get; set; } = true;

    /// <summary>Random seed for <c>torch.manual_seed</c> and <c>torch.cuda.manual_seed_all</c>; null (default) leaves
    /// torch's generators as they are.</summary>
    public long? Seed { get; set; }

    /// <summary>
    /// Training batches between two collections of TorchSharp's undisposed optimizer scalars (see
    /// <see cref="MLNet.Lstm.Training.BatchCollector"/>); 0 or less turns the collection off. The benchmarks vary it.
    /// </summary>
    internal int FinalizerCollectInterval { get; set; } = MLNet.Lstm.Training.BatchCollector.DefaultInterval;

    /// <summary>
    /// Checks <see cref="Device"/> and <see cref="Threads"/> without touching torch.
    /// </summary>
    /// <exception cref="ArgumentException">The device string is not one of <see cref="AcceptedDeviceForms"/>, or
    /// <see cref="Threads"/> is negative.</exception>
    public void Validate()
    {
        _ = TorchDeviceSpec.Parse(Device);
        if (Threads < 0)
            throw new ArgumentException($"Threads must be 0 (TorchSharp's default) or positive, but is {Threads}.", nameof(Threads));
    }

    /// <summary>
    /// Makes torch's native library loadable (<see cref="TorchNativeLoader.EnsureLoaded"/>), picks the device, and
    /// applies <see cref="Threads"/>, <see cref="Seed"/> and <see cref="TuneNativeAllocator"/>.
    /// </summary>
    /// <returns>The chosen device and why it was chosen.</returns>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="Validate"/>).</exception>
    /// <exception cref="InvalidOperationException">CUDA was requested (without fallback) but is not available, or the
    /// requested CUDA device index does not exist.</exception>
    /// <exception cref="TorchNativeLoadException">TorchSharp's native library cannot be loaded.</exception>
    public TorchDeviceSelection Resolve()
    {
        Validate();
        TorchNativeLoader.EnsureLoaded();
        bool cuda = torch.cuda.is_available();
        var selection = Select(this, cuda, cuda ? torch.cuda.device_count() : 0);

        if (Threads > 0)
            torch.set_num_threads(Threads);
        if (TuneNativeAllocator)
            Training.NativeHeap.TuneForTraining();
        if (Seed is long seed)
        {
            torch.manual_seed(seed);
            if (cuda)
                torch.cuda.manual_seed_all(seed);
        }
        return selection;
    }

    /// <summary>The device decision alone, given what the machine has (testable without a GPU).</summary>
    internal static TorchDeviceSelection Select(TorchDeviceOptions options, bool cudaAvailable, int cudaDeviceCount)
    {
        var spec = TorchDeviceSpec.Parse(options.Device);
        bool fallback = options.FallbackToCpu ?? spec.Kind == TorchDeviceKind.Auto;

        if (spec.Kind == TorchDeviceKind.Cpu)
            return new TorchDeviceSelection(torch.CPU, false, null);

        if (!cudaAvailable || cudaDeviceCount <= 0)
        {
            string reason = $"CUDA is not available (torch.cuda.is_available() is false): the application uses TorchSharp's CPU " +
                "runtime (TorchSharp-cpu), or there is no NVIDIA GPU or driver.";
            if (fallback)
                return new TorchDeviceSelection(torch.CPU, spec.Kind != TorchDeviceKind.Auto, reason);
            string requested = spec.Kind == TorchDeviceKind.Auto ? "\"auto\" with FallbackToCpu = false" : $"\"{options.Device.Trim()}\"";
            throw new InvalidOperationException(
                $"Device {requested} was requested, but {reason} Use Device = \"cpu\" or \"auto\", set FallbackToCpu = true, " +
                "or run on a machine with an NVIDIA GPU with the TorchSharp-cuda-linux runtime (build with -p:TorchBackend=cuda).");
        }

        int index = spec.Kind == TorchDeviceKind.Auto ? 0 : spec.Index;
        if (index >= cudaDeviceCount)
        {
            throw new InvalidOperationException(
                $"Device \"{options.Device.Trim()}\" was requested, but this machine has {cudaDeviceCount} CUDA device(s): " +
                $"valid indices are 0 to {cudaDeviceCount - 1}.");
        }
        return new TorchDeviceSelection(new torch.Device(DeviceType.CUDA, index), false, null);
    }
}

/// <summary>The device chosen by <see cref="TorchDeviceOptions.Resolve"/>.</summary>
public sealed class TorchDeviceSelection
{
    internal TorchDeviceSelection(torch.Device device, bool fellBackToCpu, string? reason)
    {
        Device = device;
        FellBackToCpu = fellBackToCpu;
        CpuReason = reason;
    }

    /// <summary>The torch device to place tensors and modules on.</summary>
    public torch.Device Device { get; }

    /// <summary>True when CUDA was asked for explicitly but the CPU is used (<see cref="TorchDeviceOptions.FallbackToCpu"/>).</summary>
    public bool FellBackToCpu { get; }

    /// <summary>Why the CPU is used although CUDA was allowed (null when CPU was asked for or CUDA is used).</summary>
    public string? CpuReason { get; }

    /// <summary>True when <see cref="Device"/> is a CUDA device.</summary>
    public bool IsCuda => Device.type == DeviceType.CUDA;

    /// <inheritdoc/>
    public override string ToString() => CpuReason == null ? Device.ToString() : $"{Device} ({CpuReason})";
}

internal enum TorchDeviceKind { Auto, Cpu, Cuda }

/// <summary>A parsed device string.</summary>
internal readonly record struct TorchDeviceSpec(TorchDeviceKind Kind, int Index)
{
    public static TorchDeviceSpec Parse(string? device)
    {
        string text = (device ?? "").Trim().ToLowerInvariant();
        switch (text)
        {
            case "auto": return new(TorchDeviceKind.Auto, 0);
            case "cpu": return new(TorchDeviceKind.Cpu, 0);
            case "cuda": return new(TorchDeviceKind.Cuda, 0);
        }
        if (text.StartsWith("cuda:", StringComparison.Ordinal)
            && text.Length > 5 && text.Skip(5).All(char.IsAsciiDigit)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return new(TorchDeviceKind.Cuda, index);
        }
        throw new ArgumentException(
            $"Invalid device \"{device}\". Accepted forms: {TorchDeviceOptions.AcceptedDeviceForms}.", nameof(TorchDeviceOptions.Device));
    }
}
