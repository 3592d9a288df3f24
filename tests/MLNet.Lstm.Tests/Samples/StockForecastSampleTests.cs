using System.IO.Compression;
using Microsoft.ML;

namespace MLNet.Lstm.Tests.Samples;

/// <summary>
/// Runs the README's main sample (built by the test project's reference to it) on the bundled data with small
/// settings, and checks what it promises: metrics with the persistence baseline, three valid PNGs, a model zip
/// that stock ML.NET loads, and a next-day forecast identical before and after the reload.
/// </summary>
public class StockForecastSampleTests
{
    [Fact]
    public void SampleTrainsEvaluatesPlotsSavesAndReloads()
    {
        string root = ProcessRunner.RepositoryRoot();
        string dll = Path.Combine(root, "samples", "StockForecast", "bin", ProcessRunner.Configuration(), "net10.0", "StockForecast.dll");
        Assert.True(File.Exists(dll), $"The sample is not built at {dll}.");
        string output = Path.Combine(Path.GetTempPath(), $"stock-forecast-{Guid.NewGuid():N}");
        try
        {
            var result = ProcessRunner.Run("dotnet",
                new[] { dll, "--columns", "DAX,SMI", "--window", "20", "--epochs", "1", "--hidden", "8", "--out", output },
                root, TimeSpan.FromMinutes(5));
            Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}:\n{result.Output}");
            Assert.Contains("persistence", result.Output);
            Assert.Contains("MASE", result.Output);
            Assert.Contains("identical: True", result.Output);
            Assert.Contains("Total params", result.Output);

            foreach (var png in new[] { "point_by_point.png", "multiple_sequences.png", "loss.png" })
            {
                var bytes = File.ReadAllBytes(Path.Combine(output, png));
                Assert.True(bytes.Length > 1000, $"{png} has only {bytes.Length} bytes");
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            }
            string zip = Path.Combine(output, "model.zip");
            using (var archive = ZipFile.OpenRead(zip))
                Assert.Contains(archive.Entries, e => e.FullName.EndsWith("OnnxModel", StringComparison.Ordinal));
            var loaded = new MLContext().Model.Load(zip, out var schema);
            Assert.NotNull(schema.GetColumnOrNull("DAX"));
            Assert.Empty(Directory.GetFiles(output, "*.tmp"));
        }
        finally
        {
            if (Directory.Exists(output))
                Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void BadOptionsGiveAClearMessageAndExitCode2()
    {
        string root = ProcessRunner.RepositoryRoot();
        string dll = Path.Combine(root, "samples", "StockForecast", "bin", ProcessRunner.Configuration(), "net10.0", "StockForecast.dll");
        var result = ProcessRunner.Run("dotnet", new[] { dll, "--target", "NIKKEI" }, root, TimeSpan.FromMinutes(1));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--target NIKKEI is not one of --columns", result.Output);
    }
}
