using System.Runtime.InteropServices;

namespace MLNet.Lstm.Training;

/// <summary>Returns free native heap pages to the OS (glibc <c>malloc_trim</c>; a no-op elsewhere).</summary>
internal static class NativeHeap
{
    private static bool _unavailable = !OperatingSystem.IsLinux();

    [DllImport("libc", EntryPoint = "malloc_trim")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);

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
