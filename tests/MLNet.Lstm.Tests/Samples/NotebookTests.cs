using System.Text;
using System.Text.Json;

namespace MLNet.Lstm.Tests.Samples;

/// <summary>
/// .NET Interactive is not installable here, so this test turns the notebook's C# cells into a console program
/// (package directives replaced by project references), runs it, and checks that it completes and prints the metrics.
/// Keep it in step with samples/notebooks/StockForecast.ipynb.
/// </summary>
public class NotebookTests
{
    internal static string ExtractProgram(string notebookPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(notebookPath));
        var usings = new List<string>();
        var body = new StringBuilder();
        foreach (var cell in document.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() != "code")
                continue;
            string language = cell.GetProperty("metadata").TryGetProperty("dotnet_interactive", out var di)
                ? di.GetProperty("language").GetString() ?? "csharp" : "csharp";
            if (language != "csharp")
                continue;
            string source = string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
            foreach (var line in source.Split('\n'))
            {
                string trimmed = line.TrimEnd('\r');
                if (trimmed.StartsWith("#r ", StringComparison.Ordinal) || trimmed.StartsWith("#i ", StringComparison.Ordinal) || trimmed.StartsWith("#!", StringComparison.Ordinal))
                    continue;
                if (trimmed.StartsWith("using ", StringComparison.Ordinal) && trimmed.EndsWith(';') && !trimmed.Contains('('))
                    usings.Add(trimmed);
                else
                    body.AppendLine(trimmed);
            }
            body.AppendLine();
        }
        body.AppendLine("// .NET Interactive's display(), as the notebook test's stand-in: print the value.");
        body.AppendLine("static void display(object? value) => Console.WriteLine(value);");
        return string.Join('\n', usings.Distinct()) + "\n\n" + body;
    }

    [Fact]
    public void NotebookCellsRunAsAProgramAndPrintTheMetrics()
    {
        string root = ProcessRunner.RepositoryRoot();
        string notebook = Path.Combine(root, "samples", "notebooks", "StockForecast.ipynb");
        string work = Path.Combine(Path.GetTempPath(), $"notebook-{Guid.NewGuid():N}");
        // The notebook reads ../../data/eustockmarkets.csv relative to its own folder (samples/notebooks).
        string cwd = Path.Combine(work, "samples", "notebooks");
        string project = Path.Combine(work, "program");
        Directory.CreateDirectory(cwd);
        Directory.CreateDirectory(Path.Combine(work, "data"));
        Directory.CreateDirectory(project);
        try
        {
            File.Copy(Path.Combine(root, "data", "eustockmarkets.csv"), Path.Combine(work, "data", "eustockmarkets.csv"));
            File.WriteAllText(Path.Combine(project, "Program.cs"), ExtractProgram(notebook));
            File.WriteAllText(Path.Combine(project, "NotebookProgram.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                    <NoWarn>$(NoWarn);NU1603;CS8321</NoWarn>
                  </PropertyGroup>
                  <ItemGroup>
                    <ProjectReference Include="{Path.Combine(root, "src", "Estimators", "MLNet.Lstm.Estimators.csproj")}" />
                    <ProjectReference Include="{Path.Combine(root, "src", "Transforms", "MLNet.Lstm.Transforms.csproj")}" />
                    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
                    <PackageReference Include="ScottPlot" Version="5.1.59" />
                    <PackageReference Include="SkiaSharp.HarfBuzz" Version="3.119.4" />
                    <PackageReference Include="SkiaSharp.NativeAssets.Linux.NoDependencies" Version="3.119.4" />
                  </ItemGroup>
                </Project>
                """);
            var build = ProcessRunner.Run("dotnet",
                new[] { "build", Path.Combine(project, "NotebookProgram.csproj"), "-c", ProcessRunner.Configuration(), "-nologo", "-v", "q" },
                project, TimeSpan.FromMinutes(8));
            Assert.True(build.ExitCode == 0, $"The notebook's program did not build:\n{build.Output}");
            string dll = Path.Combine(project, "bin", ProcessRunner.Configuration(), "net10.0", "NotebookProgram.dll");
            var run = ProcessRunner.Run("dotnet", new[] { dll }, cwd, TimeSpan.FromMinutes(5));
            Assert.True(run.ExitCode == 0, $"The notebook's program failed (exit {run.ExitCode}):\n{run.Output}");
            Assert.Contains("MASE", run.Output);
            Assert.Contains("persistence", run.Output);
            Assert.Contains("Total params", run.Output);
            Assert.Contains("Same forecast from the in-memory model: True", run.Output);
            Assert.True(new FileInfo(Path.Combine(cwd, "out", "predictions.png")).Length > 1000);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void ExtractionDropsPackageDirectivesAndHoistsUsings()
    {
        string root = ProcessRunner.RepositoryRoot();
        string program = ExtractProgram(Path.Combine(root, "samples", "notebooks", "StockForecast.ipynb"));
        Assert.DoesNotContain("#r \"nuget", program);
        Assert.DoesNotContain("#i \"nuget", program);
        Assert.StartsWith("using ", program);
        Assert.Contains("mlContext.Forecasting.Lstm(", program);
        Assert.Contains("mlContext.Forecasting.Evaluate(", program);
    }
}
