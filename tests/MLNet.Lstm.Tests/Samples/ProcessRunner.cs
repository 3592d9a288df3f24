using System.Diagnostics;
using System.Text;

namespace MLNet.Lstm.Tests.Samples;

/// <summary>Runs a child process (the sample, or dotnet on a generated project) and captures its output.</summary>
internal static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Output);

    public static Result Run(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        // The test host runs under MSBuild/VSTest variables that would steer a nested build; start it clean.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "VSTEST_HOST_DEBUG" })
            info.Environment.Remove(name);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout}. Output so far:\n{output}");
        }
        process.WaitForExit();
        lock (output)
            return new Result(process.ExitCode, output.ToString());
    }

    /// <summary>The repository root: the folder above the test assembly that holds MLNet.Lstm.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MLNet.Lstm.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No MLNet.Lstm.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The build configuration the tests were built with (Release or Debug), read from the output path.</summary>
    public static string Configuration() =>
        AppContext.BaseDirectory.Replace('\\', '/').Contains("/bin/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
}
