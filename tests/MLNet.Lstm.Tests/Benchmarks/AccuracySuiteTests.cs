using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Benchmarks;

namespace MLNet.Lstm.Tests.Benchmarks;

/// <summary>
/// The accuracy suite (docs/accuracy.md): a tiny run of the whole suite so that it cannot rot (two series, one seed,
/// few epochs; finite metrics and the protocol's fold counts, no accuracy thresholds), and the pieces whose mistakes
/// would silently shift every figure: fold origins, the baselines, the metrics, the LSTM side's folds (through
/// mlContext.Forecasting.Backtest) and the R file's checks.
/// </summary>
public class AccuracySuiteTests
{
    private static readonly string[] Methods = { "persistence", "seasonal naive", "ETS", "ARIMA", "Theta", "LSTM tutorial", "LSTM small", "ForecastByLstm" };

    [Fact]
    public void TinySuiteReportsFiniteMetricsForEveryMethodWithTheProtocolsFoldCounts()
    {
        var output = new StringWriter();
        int code = BenchmarkProgram.Run(new[] { "accuracy", "--quick" }, output);
        string text = output.ToString();
        Assert.True(code == 0, text);
        Assert.Contains("R baselines: `benchmarks/reference/results/accuracy-r-forecasts.csv`", text);
        Assert.Contains("seeds 1..1", text);

        // Counted by hand: usaccdeaths N = 72, n = floor(0.8·72) = 57, H = 12: one-step 72 - 57 = 15 folds, backtest
        // origins 57..60 = 4 folds. nile N = 100, n = 80, H = 6: one-step 20 folds, backtest origins 80..94 = 15 folds.
        var summary = SummaryRows(text);
        Assert.Equal(new[] { "usaccdeaths one-step 15 × 1", "usaccdeaths backtest 4 × 12", "nile one-step 20 × 1", "nile backtest 15 × 6" },
            summary.Select(r => $"{r[0]} {r[1]} {r[2]}"));
        foreach (var row in summary)
        {
            Assert.Equal(3 + Methods.Length, row.Length);
            Assert.All(row.Skip(3), cell => AssertFinitePositive(cell, text));
        }
        Assert.Contains("one-step: 15 folds (origins 57..71) × 1 step(s)", text);
        Assert.Contains("backtest: 4 folds (origins 57..60) × 12 step(s)", text);
        Assert.Contains("one-step: 20 folds (origins 80..99) × 1 step(s)", text);
        Assert.Contains("backtest: 15 folds (origins 80..94) × 6 step(s)", text);

        // Every method has a row of four finite metrics in each of the 4 protocol tables, and a per-step row per series.
        foreach (var method in Methods)
        {
            var rows = TableRows(text, method);
            Assert.Equal(4 + 2, rows.Count);
            Assert.Equal(4, rows.Count(r => r.Length == 5));
            Assert.Single(rows, r => r.Length == 1 + 12);
            Assert.Single(rows, r => r.Length == 1 + 6);
            Assert.All(rows.SelectMany(r => r.Skip(1)), cell => AssertFinitePositive(cell, text));
        }
        Assert.Contains("### Accuracy targets", text);
        Assert.Contains("- **ForecastByLstm**:", text);
        Assert.Contains("<!-- suite accuracy:", text);
    }

    [Fact]
    public void WithoutTheRFileTheSuiteSaysHowToRunRAndStillReportsOurSide()
    {
        var output = new StringWriter();
        string missing = Path.Combine(Path.GetTempPath(), $"no-r-{Guid.NewGuid():N}.csv");
        int code = BenchmarkProgram.Run(new[] { "accuracy", "--quick", "--series", "nile", "--r-forecasts", missing }, output);
        string text = output.ToString();
        Assert.True(code == 0, text);
        Assert.Contains("**R baselines not run**: run `Rscript benchmarks/reference/accuracy.R` (needs r-cran-forecast)", text);
        Assert.Contains(missing, text);
        var summary = SummaryRows(text);
        Assert.Equal(2, summary.Count);
        Assert.All(summary, row => Assert.Equal(3 + 5, row.Length)); // persistence, seasonal naive, 3 LSTM configurations
        Assert.Contains("ETS and ARIMA: R baselines not run", text);
    }

    [Theory]
    [InlineData("--series", "nile,nope", "unknown or missing series 'nope'")]
    [InlineData("--seeds", "0", "--seeds 0: give at least 1 seed")]
    [InlineData("--epochs-scale", "0", "--epochs-scale 0: give a positive factor")]
    public void BadOptionsAreRefusedWithTheFix(string option, string value, string message)
    {
        var output = new StringWriter();
        Assert.Equal(2, BenchmarkProgram.Run(new[] { "accuracy", option, value }, output));
        Assert.Contains(message, output.ToString());
        Assert.Contains("accuracy options:", output.ToString());
    }

    [Fact]
    public void FoldsFollowTheProtocol()
    {
        var split = new SeriesSplit(new AccuracySeries("t", "t.csv", "y", 4), Enumerable.Range(1, 31).Select(i => (double)i).ToArray());
        Assert.Equal(24, split.TrainRows); // floor(0.8 · 31)
        Assert.Equal(Enumerable.Range(24, 7), split.Origins(AccuracyProtocol.OneStep));
        Assert.Equal(new[] { 24, 25, 26, 27 }, split.Origins(AccuracyProtocol.Backtest)); // 27 + 4 = 31 = N: the last complete fold
        Assert.Equal(4, split.Steps(AccuracyProtocol.Backtest));
        Assert.Equal(6, new AccuracySeries("a", "a.csv", "y", 1).Horizon);
    }

    [Fact]
    public void BaselinesAndMetricsMatchHandComputedValues()
    {
        // Period 2, N = 10, n = 8: training 1 3 2 4 3 5 4 6, test 5 9.
        var values = new double[] { 1, 3, 2, 4, 3, 5, 4, 6, 5, 9 };
        var split = new SeriesSplit(new AccuracySeries("t", "t.csv", "y", 2), values);
        // Seasonal-naive in-sample MAE: |2-1|,|4-3|,|3-2|,|5-4|,|4-3|,|6-5| = 1 each.
        Assert.Equal(1.0, split.Scale);

        var persistence = AccuracyMetrics.Persistence(split, AccuracyProtocol.OneStep);
        Assert.Equal(new[] { 6.0, 5.0 }, persistence.Values.Select(v => v[0]));
        var snaive = AccuracyMetrics.SeasonalNaive(split, AccuracyProtocol.Backtest); // H = 2: origin 8 only
        Assert.Equal(new[] { 8 }, snaive.Origins);
        Assert.Equal(new[] { 4.0, 6.0 }, snaive.Values[0]);

        // Persistence one-step: errors |5-6| = 1, |9-5| = 4.
        var scores = AccuracyMetrics.Score(split, persistence);
        Assert.Equal(2.5, scores.Mase, 12);
        Assert.Equal(Math.Sqrt((1 + 16) / 2.0), scores.Rmse, 12);
        Assert.Equal((100 * 1 / 5.0 + 100 * 4 / 9.0) / 2, scores.Mape, 12);
        Assert.Equal((200 * 1 / 11.0 + 200 * 4 / 14.0) / 2, scores.Smape, 12);
        // Seasonal naive backtest: step errors |5-4| = 1, |9-6| = 3.
        Assert.Equal(new[] { 1.0, 3.0 }, AccuracyMetrics.Score(split, snaive).MasePerStep);
    }

    public sealed class WindowInput
    {
        [VectorType(4, 1)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    public sealed class ScoreOutput
    {
        public float Score { get; set; }
    }

    [Fact]
    public void LstmSideFoldsStartFromTheTrueWindowBeforeEachOrigin()
    {
        // A pipeline SlidingWindow(T = 4) → "model" whose score is the window's first value: with T = m = 4 its
        // forecasts (direct for one step, recursive for H = 4) are the seasonal-naive ones, so the LSTM side's folds must
        // reproduce the seasonal-naive baseline exactly (an origin off by one row would not).
        var ml = new MLContext(1);
        var values = Enumerable.Range(0, 40).Select(i => (double)((i * 7) % 13 + i)).ToArray();
        var split = new SeriesSplit(new AccuracySeries("t", "t.csv", "y", 4), values);
        var all = ml.Data.LoadFromEnumerable(values.Select(v => new AccuracyLstm.Row { y = (float)v }).ToArray());
        var pipeline = ml.Transforms.SlidingWindow("Window", new[] { "y" }, windowSize: 4)
            .Append(ml.Transforms.CustomMapping<WindowInput, ScoreOutput>((i, o) => o.Score = i.Window[0], contractName: null));

        foreach (var protocol in new[] { AccuracyProtocol.OneStep, AccuracyProtocol.Backtest })
        {
            var ours = AccuracyLstm.Folds(ml, pipeline, all, split, protocol);
            var expected = AccuracyMetrics.SeasonalNaive(split, protocol);
            Assert.Equal(expected.Origins, ours.Origins);
            Assert.Equal(expected.Values.SelectMany(v => v), ours.Values.SelectMany(v => v));
        }
        Assert.Equal(new[] { 32, 33, 34, 35, 36 }, split.Origins(AccuracyProtocol.Backtest));
    }

    [Fact]
    public void AnRFileWithOtherFoldsIsRefusedWithTheCommandToRegenerateIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"r-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "# test\nseries,protocol,method,origin,step,forecast\nnile,one-step,ETS,79,1,900\nnile,one-step,ETS,80,1,901\n");
            var reference = AccuracyReference.Read(path);
            var split = new SeriesSplit(AccuracySeries.Named("nile"), Enumerable.Range(0, 100).Select(i => 1000.0 + i % 7).ToArray());
            var e = Assert.Throws<InvalidDataException>(() => reference.Forecasts(split, AccuracyProtocol.OneStep, "ETS"));
            Assert.Contains("origins 79..80 (2)", e.Message);
            Assert.Contains("80..99 (20)", e.Message);
            Assert.Contains("Rscript benchmarks/reference/accuracy.R", e.Message);
            var missing = Assert.Throws<InvalidDataException>(() => reference.Forecasts(split, AccuracyProtocol.OneStep, "ARIMA"));
            Assert.Contains("no ARIMA forecasts for nile (one-step)", missing.Message);

            File.WriteAllText(path, "series,protocol,method,origin,step,forecast\nnile,one-step,ETS,80,1,NaN\n");
            var bad = Assert.Throws<InvalidDataException>(() => AccuracyReference.Read(path));
            Assert.Contains("line 2", bad.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The summary table's data rows, split into cells (series, protocol, folds × steps, one per method).</summary>
    private static List<string[]> SummaryRows(string text)
    {
        var block = text[text.IndexOf("### MASE summary", StringComparison.Ordinal)..];
        block = block[..block.IndexOf("\n\n###", StringComparison.Ordinal)];
        return block.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| series", StringComparison.Ordinal))
            .Select(Cells).ToList();
    }

    /// <summary>The rows of the per-series tables whose first cell is <paramref name="method"/>.</summary>
    private static List<string[]> TableRows(string text, string method) =>
        text.Split('\n').Skip(text.Split('\n').ToList().FindIndex(l => l.StartsWith("### usaccdeaths", StringComparison.Ordinal)))
            .Where(l => l.StartsWith($"| {method} |", StringComparison.Ordinal)).Select(Cells).ToList();

    private static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();

    private static void AssertFinitePositive(string cell, string text)
    {
        // LSTM cells with several seeds read "median (min–max)"; with one seed, the value alone.
        var match = Regex.Match(cell, @"^[0-9]+(\.[0-9]+)?(E[+-]?[0-9]+)?$");
        Assert.True(match.Success, $"cell '{cell}' is not a finite number\n{text}");
        Assert.True(double.Parse(cell, CultureInfo.InvariantCulture) > 0, $"cell '{cell}' is not positive\n{text}");
    }
}
