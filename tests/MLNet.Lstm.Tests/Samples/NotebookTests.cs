using System.Text.Json;
using System.Text.RegularExpressions;

namespace MLNet.Lstm.Tests.Samples;

/// <summary>
/// Runs samples/notebooks/StockForecast.ipynb the way a user does: through the real .NET Interactive C# kernel
/// (tests/MLNet.Lstm.NotebookRunner), cell by cell, including the cell that adds ../../packages as a package source and
/// <c>#r "nuget: MLNet.Lstm.Estimators, ..."</c> cells against freshly packed local packages. Any failing cell fails
/// the test.
/// </summary>
/// <remarks>
/// The packages are packed from a copy of the sources with a version of their own (<c>0.1.0-nbtest.…</c>, written into
/// the copied notebook's <c>#r</c> lines), so that NuGet's global package cache can never serve an older build of
/// 0.1.0; that cache folder is removed afterwards.
/// <para>The runner writes the cells' outputs into a copy of the repository's notebook (package versions back to
/// 0.1.0). With the environment variable <c>MLNET_LSTM_WRITE_NOTEBOOK=1</c> that copy replaces
/// samples/notebooks/StockForecast.ipynb, which is how the committed notebook's outputs are rendered.</para>
/// </remarks>
public class NotebookTests
{
    private static readonly string[] Libraries = { "MLNet.Lstm.Transforms", "MLNet.Lstm.Estimators", "MLNet.Lstm.Interactive" };

    [Fact]
    public void NotebookRunsCellByCellInTheDotNetInteractiveKernel()
    {
        string root = ProcessRunner.RepositoryRoot();
        string version = $"0.1.0-nbtest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        string work = Path.Combine(Path.GetTempPath(), $"notebook-{Guid.NewGuid():N}");
        try
        {
            string notebookDir = Layout(root, work, version);
            Pack(root, work, version);
            string executed = Path.Combine(work, "executed.ipynb");
            File.Copy(Path.Combine(root, "samples", "notebooks", "StockForecast.ipynb"), executed);
            var run = ProcessRunner.Run("dotnet", new[] { RunnerPath(root), "StockForecast.ipynb", "--write-outputs", executed }, notebookDir, TimeSpan.FromMinutes(25));

            Assert.True(run.ExitCode == 0, $"A notebook cell failed (exit {run.ExitCode}):\n{run.Output}");
            int codeCells = CountCodeCells(Path.Combine(root, "samples", "notebooks", "StockForecast.ipynb"));
            var summary = Regex.Match(run.Output, @"== (\d+) cells ok, (\d+) images displayed");
            Assert.True(summary.Success, run.Output);
            Assert.Equal(codeCells, int.Parse(summary.Groups[1].Value));
            Assert.True(int.Parse(summary.Groups[2].Value) >= 1, "The plot cell displayed no inline image.\n" + run.Output);
            Assert.Matches(@"\[image/png \d{4,} bytes\]", run.Output);
            Assert.Contains("MASE", run.Output);
            Assert.Contains("Total params", run.Output);
            Assert.Contains("Same forecast from the in-memory model: True", run.Output);
            // Issue 9: coverage beside the nominal level, the fan chart and the backtest plot (three inline plots in all).
            Assert.Matches(@"Coverage of the band on the test period: \d+(\.\d)? ?% \(nominal 90 ?%\)", run.Output);
            Assert.Matches(@"\d+ folds: MAE .* coverage \d+(\.\d)? ?% \(nominal 90 ?%\)", run.Output);
            // Issue 19: the tutorial training runs on one seeded torch thread and prints what the sample's --tutorial prints;
            // each coverage far below nominal is followed by a note, and the recommended model's band is shown.
            Assert.Contains("Test MAE 237.70 vs persistence 53.26; RMSE 277.93 vs 68.40; MASE 4.463", run.Output);
            Assert.Matches(@"Coverage of the band on the test period: .*\r?\nNote: .* far below the nominal 90 ?% because this model errs 4\.5 times more than persistence .*use the recommended configuration", run.Output);
            Assert.Matches(@"coverage \d+(\.\d)? ?% \(nominal 90 ?%\)\r?\nNote: the tutorial model errs .* use the recommended configuration, whose band covered \d+(\.\d)? ?%", run.Output);
            Assert.Matches(@"Coverage of the recommended model's band on the test period: \d+(\.\d)? ?% \(nominal 90 ?%\)", run.Output);
            Assert.True(int.Parse(summary.Groups[2].Value) >= 3, "The prediction, fan and backtest plots were not all displayed.\n" + run.Output);
            Assert.True(new FileInfo(Path.Combine(notebookDir, "out", "predictions.png")).Length > 1000);
            // The formatters of MLNet.Lstm.Interactive render in the real kernel, and ForecastFrame dates the monthly forecast.
            Assert.Contains("<td>MASE (vs persistence)</td>", run.Output);
            Assert.Contains("<th>Layer (type)</th>", run.Output);
            Assert.Matches(@"<th>Time</th><th>Forecast</th><th>LowerBound</th><th>UpperBound</th></tr></thead><tbody><tr><td>1985-01-01</td>", run.Output);
            KeepOutputs(executed, version, work, root);
        }
        finally
        {
            if (Directory.Exists(work))
                Directory.Delete(work, recursive: true);
            RemoveFromPackageCache(version);
        }
    }

    [Fact]
    public void NotebookReferencesThePackagesTheReadmeTellsUsersToPack()
    {
        string notebook = File.ReadAllText(Path.Combine(ProcessRunner.RepositoryRoot(), "samples", "notebooks", "StockForecast.ipynb"));
        Assert.Contains("GetFullPath(\\\"../../packages\\\")", notebook);
        Assert.Contains("SubmitCode($\\\"#i \\\\\\\"nuget: {localPackages}", notebook);
        Assert.Contains("#r \\\"nuget: MLNet.Lstm.Estimators, 0.1.0\\\"", notebook);
    }

    /// <summary>The notebook (with its package version replaced) and its data, laid out as in the repository.</summary>
    private static string Layout(string root, string work, string version)
    {
        string notebookDir = Path.Combine(work, "samples", "notebooks");
        Directory.CreateDirectory(notebookDir);
        Directory.CreateDirectory(Path.Combine(work, "data"));
        Directory.CreateDirectory(Path.Combine(work, "packages"));
        foreach (var data in new[] { "eustockmarkets.csv", "ukdriverdeaths.csv" })
            File.Copy(Path.Combine(root, "data", data), Path.Combine(work, "data", data));
        string text = File.ReadAllText(Path.Combine(root, "samples", "notebooks", "StockForecast.ipynb"));
        foreach (var library in Libraries)
            text = text.Replace($"nuget: {library}, 0.1.0", $"nuget: {library}, {version}", StringComparison.Ordinal);
        Assert.Contains(version, text);
        File.WriteAllText(Path.Combine(notebookDir, "StockForecast.ipynb"), text);
        return notebookDir;
    }

    /// <summary>Packs both libraries from a copy of the sources (the test's own build output stays untouched).</summary>
    private static void Pack(string root, string work, string version)
    {
        string sources = Path.Combine(work, "sources");
        Directory.CreateDirectory(Path.Combine(sources, "packages")); // nuget.config names it as a local source
        CopyDirectory(Path.Combine(root, "src"), Path.Combine(sources, "src"));
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "nuget.config", "README.md" })
            File.Copy(Path.Combine(root, file), Path.Combine(sources, file));
        foreach (var library in new[] { "Transforms", "Estimators", "Interactive" })
        {
            var pack = ProcessRunner.Run("dotnet",
                new[] { "pack", Path.Combine(sources, "src", library), "-c", "Release", "-o", Path.Combine(work, "packages"), $"-p:Version={version}", "-nologo", "-v", "q" },
                sources, TimeSpan.FromMinutes(8));
            Assert.True(pack.ExitCode == 0, $"dotnet pack of {library} failed:\n{pack.Output}");
        }
    }

    /// <summary>
    /// Checks the executed notebook (every code cell has its outputs, the plots are embedded) and, with
    /// MLNET_LSTM_WRITE_NOTEBOOK=1, writes it over the repository's notebook.
    /// </summary>
    private static void KeepOutputs(string executed, string version, string work, string root)
    {
        // The package versions back to the notebook's own, and the test's temporary folder (named by the restore output) as the repository.
        string text = File.ReadAllText(executed).Replace(version, "0.1.0", StringComparison.Ordinal).Replace(work, "[repository]", StringComparison.Ordinal);
        using (var document = JsonDocument.Parse(text))
        {
            var code = document.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code").ToArray();
            Assert.All(code, c => Assert.Equal(JsonValueKind.Array, c.GetProperty("outputs").ValueKind));
            Assert.True(code.Count(c => c.GetProperty("outputs").GetArrayLength() > 0) >= code.Length - 3, "Most code cells should have outputs.");
        }
        Assert.True(Regex.Matches(text, "data:image/png;base64,").Count >= 3, "The executed notebook should embed the plots.");
        Assert.Contains("#r \\\"nuget: MLNet.Lstm.Estimators, 0.1.0\\\"", text);
        if (Environment.GetEnvironmentVariable("MLNET_LSTM_WRITE_NOTEBOOK") == "1")
        {
            string target = Path.Combine(root, "samples", "notebooks", "StockForecast.ipynb");
            File.WriteAllText(target + ".tmp", text);
            File.Move(target + ".tmp", target, overwrite: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
                continue;
            string target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string RunnerPath(string root)
    {
        string path = Path.Combine(root, "tests", "MLNet.Lstm.NotebookRunner", "bin", ProcessRunner.Configuration(), "net10.0", "MLNet.Lstm.NotebookRunner.dll");
        Assert.True(File.Exists(path), $"The notebook runner is not built at {path}; build the solution first.");
        return path;
    }

    private static int CountCodeCells(string notebook)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(notebook));
        return document.RootElement.GetProperty("cells").EnumerateArray().Count(c => c.GetProperty("cell_type").GetString() == "code");
    }

    private static void RemoveFromPackageCache(string version)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var library in Libraries)
        {
            string folder = Path.Combine(cache, library.ToLowerInvariant(), version);
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
