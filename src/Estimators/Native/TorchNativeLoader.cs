using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace MLNet.Lstm;

/// <summary>
/// Makes TorchSharp's native library loadable before anything touches <c>TorchSharp.torch</c>.
/// </summary>
/// <remarks>
/// <para>When the original <c>libLibTorchSharp.so</c> does not load because the system's libstdc++ lacks
/// <c>GLIBCXX_3.4.32</c>, loads a cached copy with that unused requirement marked weak. The library calls
/// <see cref="EnsureLoaded"/> itself; code that uses TorchSharp directly calls it once before its first use of
/// <c>torch</c>. Why and where the copy is cached: docs/trainer.md, 'Known platform issues'.</para>
/// </remarks>
public static partial class TorchNativeLoader
{
    /// <summary>Environment variable naming the folder where the patched copy is cached.</summary>
    public const string CacheDirectoryVariable = "MLNET_LSTM_NATIVE_CACHE";

    private const string LibTorchSharpFile = "libLibTorchSharp.so";
    private const string LibTorchFile = "libtorch.so";
    private const string NativeSubfolder = "runtimes/linux-x64/native";

    /// <summary>Symbol versions that are known to be required but never used by <c>libLibTorchSharp.so</c>, so that
    /// marking them weak is safe.</summary>
    internal static readonly IReadOnlyList<string> WeakenableVersions = ["GLIBCXX_3.4.32"];

    private static readonly object s_lock = new();
    private static volatile TorchNativeLoadResult? s_result;
    private static TorchNativeLoadException? s_lastError;

    /// <summary>
    /// Makes TorchSharp's native library loadable. Idempotent and thread-safe: the first successful call does the
    /// work, later calls return its result. A failed call is not cached (a later call tries again).
    /// </summary>
    /// <returns>What was done.</returns>
    /// <exception cref="TorchNativeLoadException">The native library cannot be loaded; the message says which
    /// library, which file or symbol version is missing, and what to do.</exception>
    public static TorchNativeLoadResult EnsureLoaded()
    {
        var result = s_result;
        if (result != null)
            return result;
        lock (s_lock)
        {
            if (s_result != null)
                return s_result;
            try
            {
                s_result = LoadCore();
                s_lastError = null;
                return s_result;
            }
            catch (TorchNativeLoadException ex)
            {
                s_lastError = ex;
                throw;
            }
        }
    }

    /// <summary>The error of the last failed <see cref="EnsureLoaded"/> call (including the automatic one made when
    /// the assembly loads), or null when the last call succeeded or none was made.</summary>
    public static TorchNativeLoadException? LastError
    {
        get { lock (s_lock) return s_lastError; }
    }

    /// <summary>Called by the module initializer: never throws; the error is kept in <see cref="LastError"/> and
    /// thrown again by the next <see cref="EnsureLoaded"/> that fails the same way.</summary>
    internal static void TryEnsureLoadedQuietly()
    {
        try
        {
            EnsureLoaded();
        }
        catch (TorchNativeLoadException)
        {
            // Recorded in LastError; rethrown (freshly) when torch is actually needed.
        }
    }

    private static TorchNativeLoadResult LoadCore()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return new TorchNativeLoadResult(TorchNativeLoadAction.NotNeeded, null, null, []);

        var searched = new List<string>();
        string? original = FindFirst(LibTorchSharpCandidateDirectories(), LibTorchSharpFile, searched);
        if (original == null)
        {
            throw new TorchNativeLoadException(
                $"TorchSharp's native library {LibTorchSharpFile} was not found. Searched: {string.Join(", ", searched.Distinct())}. " +
                "Reference a TorchSharp runtime package from the application (TorchSharp-cpu, or TorchSharp-cuda-linux " +
                "for NVIDIA GPUs) so that the native libraries are restored and copied next to it.",
                null, null, LibTorchSharpFile, null);
        }
        string nativeDirectory = Path.GetDirectoryName(original)!;

        // libtorch.so pulls in libtorch_cpu.so, libc10.so and libgomp through its own RUNPATH ($ORIGIN); once they are
        // loaded, libLibTorchSharp.so's NEEDED entries are satisfied by soname wherever it lives.
        string? libtorch = FindFirst(LibTorchCandidateDirectories(nativeDirectory), LibTorchFile, searched);
        if (libtorch != null && !TryLoad(libtorch, out var libtorchError))
            throw Translate(libtorch, libtorchError);

        if (TryLoad(original, out var error))
            return new TorchNativeLoadResult(TorchNativeLoadAction.LoadedOriginal, nativeDirectory, original, []);

        byte[] image;
        try
        {
            image = File.ReadAllBytes(original);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TorchNativeLoadException($"TorchSharp's native library {original} cannot be loaded ({error.Message}) and cannot be read to work around it: {ex.Message}", original, null, null, ex);
        }
        string hash = Convert.ToHexString(SHA256.HashData(image)).Substring(0, 16).ToLowerInvariant();

        var weakened = new List<string>();
        string failedPath = original;
        for (int attempt = 0; attempt <= WeakenableVersions.Count; attempt++)
        {
            var info = DlErrorInfo.Parse(error.Message);
            if (info.MissingVersion == null || !WeakenableVersions.Contains(info.MissingVersion) || weakened.Contains(info.MissingVersion))
                throw Translate(failedPath, error);

            ElfVersionPatchResult patch;
            try
            {
                patch = ElfVersionPatcher.Patch(image, info.MissingVersion);
            }
            catch (ElfFormatException ex)
            {
                throw new TorchNativeLoadException($"TorchSharp's native library {original} cannot be loaded ({info.Summary}) and cannot be patched: {ex.Message} Reinstall the TorchSharp package (the file may be damaged).", original, info.MissingVersion, null, ex);
            }
            if (patch.Outcome != ElfVersionPatchOutcome.Patched)
                throw Translate(failedPath, error); // the requirement comes from another library: nothing we can weaken here
            weakened.Add(info.MissingVersion);

            string copy = WritePatchedCopy(image, hash, original);
            if (TryLoad(copy, out error))
                return new TorchNativeLoadResult(TorchNativeLoadAction.LoadedPatchedCopy, nativeDirectory, copy, weakened.ToArray());
            failedPath = copy;
        }
        throw Translate(failedPath, error);
    }

    private static bool TryLoad(string path, out Exception error)
    {
        try
        {
            NativeLibrary.Load(path);
            error = null!;
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            error = ex;
            return false;
        }
    }

    private static string WritePatchedCopy(byte[] image, string hash, string original) =>
        WritePatchedCopy(image, hash, original, CacheRoots());

    /// <summary>Writes the patched copy under the first usable root; a null root means a fresh private temporary folder.</summary>
    internal static string WritePatchedCopy(byte[] image, string hash, string original, IEnumerable<string?> roots)
    {
        var failures = new List<string>();
        foreach (string? root in roots)
        {
            string dir = root is null ? "(a new private temporary folder)" : Path.Combine(root, hash);
            try
            {
                // The last resort is the shared temporary folder: there a predictable path could be prepared by another
                // user, so the copy goes into a fresh folder with a random name that only this user can access (0700).
                if (root is null)
                    dir = Directory.CreateTempSubdirectory("mlnet-lstm-native-").FullName;
                string target = Path.Combine(dir, LibTorchSharpFile);
                if (File.Exists(target) && File.ReadAllBytes(target).AsSpan().SequenceEqual(image))
                    return target;
                Directory.CreateDirectory(dir);
                string temp = Path.Combine(dir, $"{LibTorchSharpFile}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
                try
                {
                    File.WriteAllBytes(temp, image);
                    File.Move(temp, target, overwrite: true);
                }
                finally
                {
                    if (File.Exists(temp))
                        File.Delete(temp);
                }
                return target;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{dir}: {ex.Message}");
            }
        }
        throw new TorchNativeLoadException(
            $"TorchSharp's native library {original} needs a patched copy on this system (its libstdc++ lacks GLIBCXX_3.4.32), " +
            $"but no cache folder is writable ({string.Join("; ", failures)}). Set the environment variable {CacheDirectoryVariable} " +
            "to a writable folder on a file system that allows executables.",
            original, WeakenableVersions[0], null, null);
    }

    private static IEnumerable<string?> CacheRoots()
    {
        string? explicitRoot = Environment.GetEnvironmentVariable(CacheDirectoryVariable);
        if (!string.IsNullOrWhiteSpace(explicitRoot))
        {
            yield return explicitRoot;
            yield break; // an explicit choice is not second-guessed
        }
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
            yield return Path.Combine(xdg, "mlnet-lstm", "native");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
            yield return Path.Combine(home, ".cache", "mlnet-lstm", "native");
        yield return null; // a private folder under the temporary folder, made per process (see WritePatchedCopy)
    }

    private static string? FindFirst(IEnumerable<string> directories, string fileName, List<string> searched)
    {
        foreach (string dir in directories)
        {
            if (string.IsNullOrWhiteSpace(dir))
                continue;
            string path = Path.GetFullPath(Path.Combine(dir, fileName));
            searched.Add(Path.GetDirectoryName(path)!);
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    private static IEnumerable<string> SearchDirectories()
    {
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string dirs)
        {
            foreach (string dir in dirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                yield return dir;
        }
        yield return AppContext.BaseDirectory;
        yield return Path.Combine(AppContext.BaseDirectory, NativeSubfolder);
    }

    private static IEnumerable<string> LibTorchSharpCandidateDirectories()
    {
        foreach (string dir in SearchDirectories())
            yield return dir;

        // Next to TorchSharp.dll, and the NuGet package layout (lib/<tfm>/TorchSharp.dll, runtimes/linux-x64/native).
        Assembly torchSharp = typeof(TorchSharp.torch).Assembly; // typeof does not run torch's static constructor
        string location = torchSharp.Location;
        if (!string.IsNullOrEmpty(location))
        {
            string assemblyDir = Path.GetDirectoryName(location)!;
            yield return assemblyDir;
            yield return Path.Combine(assemblyDir, NativeSubfolder);
            yield return Path.Combine(assemblyDir, "..", "..", NativeSubfolder);
        }

        // The NuGet cache, as notebooks reference packages.
        string? packages = NuGetPackagesRoot();
        var version = torchSharp.GetName().Version;
        if (packages != null && version != null)
            yield return Path.Combine(packages, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}", NativeSubfolder);
    }

    private static IEnumerable<string> LibTorchCandidateDirectories(string nativeDirectory)
    {
        yield return nativeDirectory;
        foreach (string dir in SearchDirectories())
            yield return dir;

        // The NuGet cache: the CPU runtime package's newest version.
        string? packages = NuGetPackagesRoot();
        string package = packages == null ? "" : Path.Combine(packages, "libtorch-cpu-linux-x64");
        if (packages != null && Directory.Exists(package))
        {
            var newest = Directory.GetDirectories(package)
                .Select(d => (Dir: d, Version: Version.TryParse(Path.GetFileName(d), out var v) ? v : null))
                .Where(x => x.Version != null)
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (newest.Dir != null)
                yield return Path.Combine(newest.Dir, NativeSubfolder);
        }
    }

    private static string? NuGetPackagesRoot()
    {
        string? root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrWhiteSpace(root))
            return root;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".nuget", "packages");
    }

    internal static TorchNativeLoadException Translate(string library, Exception error)
    {
        var info = DlErrorInfo.Parse(error.Message);
        string message;
        if (info.MissingVersion != null)
        {
            string provider = info.VersionProvider ?? "a system library";
            string fix = info.MissingVersion.StartsWith("GLIBCXX_", StringComparison.Ordinal) || info.MissingVersion.StartsWith("CXXABI_", StringComparison.Ordinal)
                ? "Install a newer C++ runtime (libstdc++ from GCC 13 or later) or use a newer Linux distribution (for example Debian 13 or Ubuntu 24.04)"
                : "Use a newer Linux distribution (for example Debian 13 or Ubuntu 24.04) whose system libraries provide it";
            message = $"TorchSharp's native library {library} cannot be loaded: {provider} on this machine lacks the symbol version " +
                $"{info.MissingVersion} (required by {info.RequiredBy ?? library}). MLNet.Lstm can work around only " +
                $"{string.Join(", ", WeakenableVersions)}, which TorchSharp requires but never uses. {fix}.";
        }
        else if (info.MissingFile != null)
        {
            message = $"TorchSharp's native library {library} cannot be loaded: the file {info.MissingFile} was not found. " +
                "Reference a TorchSharp runtime package from the application (TorchSharp-cpu, or TorchSharp-cuda-linux for " +
                "NVIDIA GPUs) so that libtorch's native libraries are restored and copied next to libLibTorchSharp.so.";
        }
        else
        {
            message = $"TorchSharp's native library {library} cannot be loaded: {info.Summary}. If the file lies on a file " +
                $"system mounted noexec, set the environment variable {CacheDirectoryVariable} to a folder that allows executables.";
        }
        return new TorchNativeLoadException(message, library, info.MissingVersion, info.MissingFile, error);
    }

    /// <summary>The useful parts of a dynamic-linker error message.</summary>
    internal readonly partial record struct DlErrorInfo(string Summary, string? MissingVersion, string? VersionProvider, string? RequiredBy, string? MissingFile)
    {
        public static DlErrorInfo Parse(string message)
        {
            // .NET prefixes dlerror() with "Unable to load shared library '...' or one of its dependencies. ... : ".
            string summary = message;
            int hint = message.IndexOf("LD_DEBUG", StringComparison.Ordinal);
            int start = hint < 0 ? -1 : message.IndexOf(": ", hint, StringComparison.Ordinal);
            if (start >= 0)
                summary = message.Substring(start + 2);
            summary = summary.Trim();

            var version = VersionRegex().Match(summary);
            if (version.Success)
                return new DlErrorInfo(summary, version.Groups["version"].Value, version.Groups["provider"].Value, version.Groups["by"].Value, null);
            var file = MissingFileRegex().Match(summary);
            if (file.Success)
                return new DlErrorInfo(summary, null, null, null, file.Groups["file"].Value);
            return new DlErrorInfo(summary, null, null, null, null);
        }

        [GeneratedRegex(@"(?<provider>[^\s:]+): version `(?<version>[^']+)' not found \(required by (?<by>[^)]+)\)")]
        private static partial Regex VersionRegex();

        [GeneratedRegex(@"(?<file>[^\s:]+): cannot open shared object file")]
        private static partial Regex MissingFileRegex();
    }
}
