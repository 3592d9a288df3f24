using System.Runtime.InteropServices;

namespace MLNet.Lstm.Training;

/// <summary>
/// glibc heap settings for training: returns free pages to the OS (<c>malloc_trim</c>) and raises the thresholds
/// above which glibc maps and unmaps large blocks for every allocation (<c>mallopt</c>). A no-op where the C library
/// is not glibc.
/// </summary>
/// <remarks>
/// Keeps libtorch's per-batch LSTM buffers (tens of MB for larger networks) on the heap instead of mapping and
/// unmapping them at every batch (docs/benchmarks.md, '(5) Scaling'). Process-wide and stays set;
/// <see cref="TorchDeviceOptions.TuneNativeAllocator"/> turns it off, and <c>MALLOC_MMAP_THRESHOLD_</c> /
/// <c>MALLOC_TRIM_THRESHOLD_</c>, when set, win.
/// </remarks>
internal static class NativeHeap
{
    /// <summary>Blocks up to this size come from the heap instead of a fresh mapping (256 MiB).</summary>
    public const int MmapThreshold = 256 << 20;

    /// <summary>Free memory at the top of the heap kept for reuse instead of returned at once (1 GiB).</summary>
    public const int TrimThreshold = 1 << 30;

    private const int MTrimThreshold = -1, MMmapThreshold = -3;

    private static bool _unavailable = !OperatingSystem.IsLinux();
    private static int _tuned = -1; // -1 not tried, 0 not applied, 1 applied

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Mallopt(int parameter, int value);

    /// <summary>Whether <see cref="TuneForTraining"/> has set the thresholds in this process.</summary>
    public static bool IsTunedForTraining => Volatile.Read(ref _tuned) == 1;

    /// <summary>
    /// Sets <see cref="MmapThreshold"/> and <see cref="TrimThreshold"/> once per process, unless the C library is not
    /// glibc or the user set glibc's own environment variables for them. Returns whether they are set now.
    /// </summary>
    public static bool TuneForTraining()
    {
        if (Volatile.Read(ref _tuned) >= 0)
            return IsTunedForTraining;
        lock (typeof(NativeHeap))
        {
            if (_tuned >= 0)
                return _tuned == 1;
            bool userChose = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
                || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null;
            bool applied = false;
            if (!_unavailable && !userChose)
            {
                try
                {
                    applied = Mallopt(MMmapThreshold, MmapThreshold) == 1 & Mallopt(MTrimThreshold, TrimThreshold) == 1;
                }
                catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
                {
                    _unavailable = true; // not glibc (e.g. musl)
                }
            }
            Volatile.Write(ref _tuned, applied ? 1 : 0);
            return applied;
        }
    }

    /// <summary>Calls <c>malloc_trim(0)</c> where the C library has it.</summary>
    public static void Trim()
    {
        if (_unavailable)
            return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true; // e.g. musl
        }
    }
}
