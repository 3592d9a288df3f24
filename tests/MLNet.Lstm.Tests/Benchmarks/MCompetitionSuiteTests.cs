using MLNet.Lstm.Benchmarks;

namespace MLNet.Lstm.Tests.Benchmarks;

/// <summary>
/// The m-competition suite: its metrics on a two-series fixture worked out by hand, its padded short series and
/// reader errors, and a <c>--quick</c> run (no timing asserted).
/// </summary>
public class MCompetitionSuiteTests
{
    // Two series, period 2, horizon 2.
    // A: train 1 2 3 4 (seasonal-naive MAE |3-1|, |4-2| -> 2), actual 5 6, forecast 4 8 (errors 1, 2).
    // B: train 10 20 12 24 (|12-10|, |24-20| -> 3), actual 10 30, forecast 10 20 (errors 0, 10).
    private static readonly MCompetitionSeries[] Fixture =
    {
        new("A", new double[] { 1, 2, 3, 4 }, new double[] { 5, 6 }),
        new("B", new double[] { 10, 20, 12, 24 }, new double[] { 10, 30 }),
    };

    private static readonly double[][] Method = { new double[] { 4, 8 }, new double[] { 10, 20 } };

    // Naive2 of the fixture (no seasonality detected: the last value): A 4 4 (errors 1, 2), B 24 24 (errors 14, 6).
    private static readonly double[][] Naive2 = { new double[] { 4, 4 }, new double[] { 24, 24 } };

    [Fact]
    public void SmapeAndMaseOfOneSeriesMatchTheHandComputedValues()
    {
        // sMAPE A = (200·1/9 + 200·2/14) / 2 = (22.2222 + 28.5714) / 2 = 25.3968; MASE A = (1 + 2) / 2 / 2 = 0.75.
        Assert.Equal(25.396825, MCompetitionMetrics.Smape(Fixture[0].Test, Method[0]), tolerance: 1e-5);
        Assert.Equal(0.75, MCompetitionMetrics.Mase(Fixture[0].Train, Fixture[0].Test, Method[0], period: 2), tolerance: 1e-10);
        // sMAPE B = (0 + 200·10/50) / 2 = 20; MASE B = (0 + 10) / 2 / 3 = 1.6667.
        Assert.Equal(20.0, MCompetitionMetrics.Smape(Fixture[1].Test, Method[1]), tolerance: 1e-10);
        Assert.Equal(1.666667, MCompetitionMetrics.Mase(Fixture[1].Train, Fixture[1].Test, Method[1], period: 2), tolerance: 1e-5);
    }

    [Fact]
    public void SetScoresAndOwaMatchTheHandComputedValues()
    {
        // Naive2: sMAPE A = (200·1/9 + 200·2/10) / 2 = 31.1111, B = (200·14/34 + 200·6/54) / 2 = 52.2876, mean 41.6993;
        // MASE A = 1.5 / 2 = 0.75, B = 10 / 3 = 3.3333, mean 2.0417.
        var naive2 = MCompetitionMetrics.Score(Fixture, Naive2, period: 2);
        Assert.Equal(41.699346, naive2.Smape, tolerance: 1e-5);
        Assert.Equal(2.041667, naive2.Mase, tolerance: 1e-5);
        Assert.True(double.IsNaN(naive2.Owa));

        // The method: sMAPE (25.3968 + 20) / 2 = 22.6984, MASE (0.75 + 1.6667) / 2 = 1.2083,
        // OWA = (22.6984 / 41.6993 + 1.2083 / 2.0417) / 2 = (0.54433 + 0.59184) / 2 = 0.56809.
        var scores = MCompetitionMetrics.Score(Fixture, Method, period: 2, (naive2.Smape, naive2.Mase));
        Assert.Equal(22.698413, scores.Smape, tolerance: 1e-5);
        Assert.Equal(1.208333, scores.Mase, tolerance: 1e-5);
        Assert.Equal(0.568086, scores.Owa, tolerance: 1e-5);
        // Naive2 against itself is 1 by definition.
        Assert.Equal(1.0, MCompetitionMetrics.Score(Fixture, Naive2, period: 2, (naive2.Smape, naive2.Mase)).Owa, tolerance: 1e-10);
    }

    [Fact]
    public void ForecastsThatDoNotCoverTheHorizonOrAreNotFiniteAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => MCompetitionMetrics.Smape(Fixture[0].Test, new double[] { 4 }));
        Assert.Contains("1 forecast values for 2 actual values", e.Message);
        e = Assert.Throws<ArgumentException>(() => MCompetitionMetrics.Mase(Fixture[0].Train, Fixture[0].Test, new[] { 4, double.NaN }, 2));
        Assert.Contains("not finite (NaN)", e.Message);
        e = Assert.Throws<ArgumentException>(() => MCompetitionMetrics.Mase(new double[] { 5, 5, 5 }, Fixture[0].Test, Method[0], 1));
        Assert.Contains("MASE is undefined for a constant series", e.Message);
    }

    [Fact]
    public void ASeriesShorterThanTheWindowIsForecastFromPaddedRowsAndCounted()
    {
        // Three quarterly series of 40 rows and one of 10 (shorter than the window 12): every series gets h = 8
        // finite forecasts from ForecastBySeries, the short one from left-padded rows, and the run counts it.
        double[] Series(int length, double level) => Enumerable.Range(0, length).Select(t => level + t + 5 * (t % 4)).ToArray();
        var series = new[]
        {
            new MCompetitionSeries("A", Series(40, 100), new double[8]),
            new MCompetitionSeries("B", Series(40, 200), new double[8]),
            new MCompetitionSeries("C", Series(40, 300), new double[8]),
            new MCompetitionSeries("D", Series(10, 150), new double[8]),
        };
        var chain = MCompetitionChain.Best with { Epochs = 1, EnsembleSize = 1, HiddenSizes = new[] { 4 } };
        var ml = new Microsoft.ML.MLContext(1);
        var fit = MCompetitionRun.Run(ml, chain.Pipeline(ml, MCompetitionSet.Quarterly, seed: 1, threads: 1), MCompetitionSet.Quarterly, series);
        Assert.Equal(12, fit.WindowSize);
        Assert.Equal(1, fit.Padded);
        Assert.Equal(4, fit.Forecasts.Length);
        Assert.All(fit.Forecasts, f => { Assert.Equal(8, f.Length); Assert.All(f, v => Assert.True(double.IsFinite(v))); });
    }

    [Fact]
    public void MalformedReferenceFileIsAnErrorNamingTheLine()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mcomp-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "# R\nset,series,method,step,forecast\nmonthly,A,ETS,1,3.5\nmonthly,A,ETS,x,3.5\n");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => MCompetitionReference.Read(path));
            Assert.Contains("line 4 is 'monthly,A,ETS,x,3.5'", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnknownSetIsRejected()
    {
        var output = new StringWriter();
        Assert.Equal(2, BenchmarkProgram.Run(new[] { "m-competition", "--set", "weekly" }, output));
        Assert.Contains("--set weekly: give monthly, quarterly or both.", output.ToString());
    }

    [Fact]
    public void QuickRunScoresTheChainTheOneCallAndTheRMethods()
    {
        using var gate = MLNet.Lstm.Training.TorchRandomLock.Enter();
        string outDirectory = Path.Combine(Path.GetTempPath(), $"mcomp-{Guid.NewGuid():N}");
        try
        {
            var output = new StringWriter();
            int code = BenchmarkProgram.Run(new[] { "m-competition", "--quick", "--out", outDirectory }, output);
            string text = output.ToString();
            Assert.True(code == 0, text);
            Assert.Contains("### M1 monthly: 6 series, h = 18", text);
            Assert.Contains("### M1 quarterly: 6 series, h = 8", text);
            Assert.Contains("| chain |", text);
            Assert.Contains("| one call |", text);
            Assert.Contains("#### Training throughput, M1 monthly", text);
            // The committed R file: Naive2's OWA is 1 by definition.
            Assert.Matches(@"\| R Naive2 \| [0-9.]+ \| [0-9.]+ \| 1\.000 \|", text);
            Assert.Contains("set,method,seed,smape,mase,owa", File.ReadAllText(Path.Combine(outDirectory, "m-competition.csv")));
            Assert.Equal(1 + 2 * (6 * 18 + 6 * 8), File.ReadAllLines(Path.Combine(outDirectory, "m-competition-forecasts.csv")).Length);
        }
        finally
        {
            if (Directory.Exists(outDirectory))
                Directory.Delete(outDirectory, recursive: true);
        }
    }
}
