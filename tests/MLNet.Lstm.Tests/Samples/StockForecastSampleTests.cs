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

            Assert.Matches(@"Coverage of the conformal band on the test period: \d+(\.\d)? ?% \(nominal 90 ?%\)", result.Output);
            Assert.Matches(@"Backtest: \d+ folds from row \d+, every \d+ rows: .*coverage \d+(\.\d)? ?% \(nominal 90 ?%\)", result.Output);
            foreach (var png in new[] { "point_by_point.png", "multiple_sequences.png", "loss.png", "fan_chart.png", "backtest.png" })
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

    /// <summary>
    /// The README quotes what the sample prints, in blocks between <c>&lt;!-- sample-output: MODE --&gt;</c> and
    /// <c>&lt;!-- /sample-output --&gt;</c>: the sample run as the README says (full training, one seeded torch thread
    /// on the CPU, so the figures are the same on any machine) prints every quoted line exactly. The default run is the
    /// recommended configuration, <c>--tutorial</c> the Keras tutorial's; both print the test MAE next to persistence
    /// and seasonal naive.
    /// </summary>
    [Theory]
    [InlineData("default", "Training: ForecastByLstm's recommended configuration: window 12 × 1 column(s), target DAX")]
    [InlineData("tutorial", "Training: Keras tutorial (--tutorial): window 49 × 4 columns, target DAX")]
    public void TheReadmeQuotesWhatTheSamplePrints(string mode, string training)
    {
        string root = ProcessRunner.RepositoryRoot();
        var quoted = QuotedOutput(File.ReadAllText(Path.Combine(root, "README.md")), mode);
        Assert.True(quoted.Count >= 5, $"README.md quotes only {quoted.Count} line(s) of the {mode} run.");
        string dll = Path.Combine(root, "samples", "StockForecast", "bin", ProcessRunner.Configuration(), "net10.0", "StockForecast.dll");
        string output = Path.Combine(Path.GetTempPath(), $"stock-forecast-readme-{Guid.NewGuid():N}");
        try
        {
            var args = new List<string> { dll, "--out", output };
            if (mode == "tutorial")
                args.Add("--tutorial");
            var result = ProcessRunner.Run("dotnet", args.ToArray(), root, TimeSpan.FromMinutes(10));
            Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}:\n{result.Output}");
            Assert.Contains(training, result.Output);
            Assert.Matches(@"  persistence +53\.26", result.Output); // mean |y[t] - y[t-1]| over the 279 test days
            Assert.Matches(@"  seasonal naive \(m = 5\) +122\.11", result.Output);
            var printed = result.Output.Split('\n').Select(l => l.TrimEnd()).ToHashSet();
            var missing = quoted.Where(line => !printed.Contains(line)).ToArray();
            Assert.True(missing.Length == 0,
                $"README.md quotes {missing.Length} line(s) of the {mode} run that it does not print:\n{string.Join("\n", missing)}\n--- the sample printed:\n{result.Output}");
        }
        finally
        {
            if (Directory.Exists(output))
                Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>The non-empty lines of the README's quoted output of <paramref name="mode"/>, without the code fence.</summary>
    private static List<string> QuotedOutput(string readme, string mode)
    {
        string open = $"<!-- sample-output: {mode} -->";
        int start = readme.IndexOf(open, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{open}' block.");
        int end = readme.IndexOf("<!-- /sample-output -->", start, StringComparison.Ordinal);
        Assert.True(end > start, $"README.md's '{open}' block is not closed.");
        return readme[(start + open.Length)..end].Split('\n').Select(l => l.TrimEnd())
            .Where(l => l.Length > 0 && !l.StartsWith("```", StringComparison.Ordinal) && l != "...").ToList();
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

    // Each bad CSV gives exactly one line (on stderr) naming the file, row, column or value, and exit
    // code 2, instead of an unhandled exception, a raw message or a silently wrong column.
    [Theory]
    [InlineData("duplicate", "Day,DAX,SMI,DAX\n1,1,2,3\n2,1,2,3\n", "the header names column 'DAX' more than once (columns 2 and 4)")]
    [InlineData("one-row", "Day,DAX,SMI\n1,1628.75,1678.1\n", "has 1 data row(s); with --window 20 and --horizon 1 the sample needs at least 36")]
    [InlineData("missing-column", "Day,DAX,CAC\n1,1,2\n", "has no column 'SMI'. Its columns: Day, DAX, CAC.")]
    [InlineData("text-cell", "Day,DAX,SMI\n1,1,2\n2,1,2\n3,abc,2\n", "data row 3, column 'DAX': 'abc' is not a finite number")]
    [InlineData("thousands", "Day,DAX,SMI\n1,1628.75,1678.1\n2,\"1,627.21\",1678.1\n", "data row 2, column 'DAX': '1,627.21' is not a finite number")]
    [InlineData("empty-cell", "Day,DAX,SMI\n1,1628.75,\n", "data row 1, column 'SMI': '' is not a finite number")]
    [InlineData("nan-cell", "Day,DAX,SMI\n1,NaN,1678.1\n", "data row 1, column 'DAX': 'NaN' is not a finite number")]
    [InlineData("short-row", "Day,DAX,SMI\n1,1628.75\n", "data row 1 has 2 field(s) but the header has 3, so it has no value for column 'SMI'")]
    // Quoted fields are read as CSV: a quoted comma inside a text column and quoted numbers load, so the error is the
    // series' length (3 rows), not a type error.
    [InlineData("quoted", "\"Date\",\"DAX\",\"SMI\"\n\"Mon, 1 Jan\",\"1628.75\",1678.1\n\"Tue, 2 Jan\",1613.63,\"1688.5\"\n\"Wed, 3 Jan\",1606.51,1678.6\n", "has 3 data row(s)")]
    public void BadDataGivesOneClearLineAndExitCode2(string name, string csv, string expected)
    {
        string root = ProcessRunner.RepositoryRoot();
        string dll = Path.Combine(root, "samples", "StockForecast", "bin", ProcessRunner.Configuration(), "net10.0", "StockForecast.dll");
        string dir = Path.Combine(Path.GetTempPath(), $"stock-forecast-csv-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string data = Path.Combine(dir, name + ".csv");
            File.WriteAllText(data, csv);
            var result = ProcessRunner.Run("dotnet",
                new[] { dll, "--data", data, "--columns", "DAX,SMI", "--window", "20", "--out", Path.Combine(dir, "out") },
                root, TimeSpan.FromMinutes(1));
            Assert.True(result.ExitCode == 2, $"exit code {result.ExitCode}:\n{result.Output}");
            string output = result.Output.Trim();
            Assert.DoesNotContain('\n', output);
            Assert.Contains(expected, output);
            Assert.StartsWith($"'{data}'", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
