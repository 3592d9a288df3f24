using MLNet.Lstm.Benchmarks;

namespace MLNet.Lstm.Tests.Benchmarks;

/// <summary>
/// Runs the benchmark program's quick mode in-process: every suite starts, runs one tiny iteration and prints its
/// tables. No timing is asserted.
/// </summary>
public class BenchmarkSmokeTests
{
    [Fact]
    public void QuickModeRunsEverySuite()
    {
        // The raw TorchSharp loops seed torch and set its threads (process-wide): not while another test fits.
        using var gate = MLNet.Lstm.Training.TorchRandomLock.Enter();
        var output = new StringWriter();
        int code = BenchmarkProgram.Run(new[] { "--quick" }, output);
        string text = output.ToString();
        Assert.True(code == 0, text);
        Assert.Contains("### Training", text);
        Assert.Contains("### Scoring", text);
        Assert.Contains("### Memory", text);
        Assert.Contains("### Scaling", text);
        Assert.Contains("### Service", text);
        Assert.Contains("(b) OnnxBatchScorer", text);
        Assert.Contains("(e) LstmForecastingTransformer.Transform", text);
    }

    [Fact]
    public void QuickGlobalSuiteComparesOneGlobalFitWithSeparateFits()
    {
        using var gate = MLNet.Lstm.Training.TorchRandomLock.Enter();
        var output = new StringWriter();
        int code = BenchmarkProgram.Run(new[] { "global", "--quick" }, output);
        string text = output.ToString();
        Assert.True(code == 0, text);
        Assert.Contains("### Global model", text);
        Assert.Contains("| 2 | one global model | 56 |", text); // 2 series x (80 - 40 held out - 12) windows
        Assert.Contains("| 2 | 2 separate models | 56 |", text);
    }

    [Fact]
    public void UnknownSuiteIsRejected()
    {
        var output = new StringWriter();
        Assert.Equal(2, BenchmarkProgram.Run(new[] { "nope" }, output));
        Assert.Contains("unknown argument", output.ToString());
    }
}
