using System.Globalization;
using Microsoft.ML;
using MLNet.Lstm.Tests.Samples;
using MLNet.Lstm.Tests.Windows;
using MLNet.Lstm.Training;

namespace MLNet.Lstm.Tests.Seasonal;

/// <summary>
/// <see cref="SeasonalPeriodDetector"/>: the pooled autocorrelation of the windows' first differences finds the period
/// of seasonal series and nothing in random walks and AR(1) series, and on the accuracy suite's series it finds the
/// periods the R series declare.
/// </summary>
public class SeasonalPeriodDetectorTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Flattened univariate windows [n, T, 1] of <paramref name="series"/>, stride 1.</summary>
    private static float[] Windows(float[] series, int t, out int count)
    {
        count = series.Length - t + 1;
        var x = new float[count * t];
        for (int i = 0; i < count; i++)
            Array.Copy(series, i, x, i * t, t);
        return x;
    }

    private static float[] SineTrendNoise(int n, int period, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(i => (float)(10 + 0.05 * i + 2 * Math.Sin(2 * Math.PI * i / period) + 0.3 * Gaussian(rng))).ToArray();
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Theory]
    [InlineData(4, 12)]
    [InlineData(12, 24)]
    public void FindsThePeriodOfASineWithTrendAndNoise(int period, int window)
    {
        var x = Windows(SineTrendNoise(150, period, seed: period), window, out int count);
        var found = SeasonalPeriodDetector.Detect(x, count, window, 1, 0);
        Assert.Equal(period, found.Period);
        Assert.True(found.Autocorrelation > SeasonalPeriodDetector.Threshold, $"acf {found.Autocorrelation}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void FindsNothingInARandomWalk(int seed)
    {
        var rng = new Random(seed);
        float level = 100;
        var walk = Enumerable.Range(0, 200).Select(_ => level += (float)Gaussian(rng)).ToArray();
        var x = Windows(walk, 24, out int count);
        var found = SeasonalPeriodDetector.Detect(x, count, 24, 1, 0);
        Assert.Equal(0, found.Period);
        Assert.True(found.Autocorrelation < SeasonalPeriodDetector.Threshold, $"acf {found.Autocorrelation} at lag {found.BestLag}");
    }

    [Theory]
    [InlineData(0.5, 4)]
    [InlineData(0.9, 5)]
    public void FindsNothingInAnAr1Series(double phi, int seed)
    {
        var rng = new Random(seed);
        double v = 0;
        var ar = Enumerable.Range(0, 200).Select(_ => (float)(v = phi * v + Gaussian(rng))).ToArray();
        var x = Windows(ar, 24, out int count);
        Assert.Equal(0, SeasonalPeriodDetector.Detect(x, count, 24, 1, 0).Period);
    }

    /// <summary>
    /// A smooth sine whose period is far beyond the 24-step window, plus U(−0.5, 0.5) noise: the differenced noise
    /// lowers lag 1 (below the noise band when the wave is weak), so lag 2, 3 or 4 is a local maximum, but the
    /// autocorrelation does not fall below the band again before twice that lag: no cycle (the seeds below gave period
    /// 2, 3 or 4 before the cycle check).
    /// </summary>
    [Theory]
    [InlineData(100, 7.0, 2)]
    [InlineData(100, 10.0, 3)]
    [InlineData(40, 2.5, 4)]
    [InlineData(40, 3.0, 5)]
    [InlineData(40, 10.0, 6)]
    public void FindsNoShortPeriodInASmoothSlowSineWithUniformNoise(int period, double amplitude, int seed)
    {
        var rng = new Random(seed);
        var series = Enumerable.Range(0, 400)
            .Select(i => (float)(50 + amplitude * Math.Sin(2 * Math.PI * i / period) + (rng.NextDouble() - 0.5))).ToArray();
        var x = Windows(series, 24, out int count);
        var acf = SeasonalPeriodDetector.Autocorrelations(x, count, 24, 1, 0);
        output.WriteLine($"period {period}, amplitude {amplitude}: acf[1..4] = {string.Join(", ", acf.Skip(1).Take(4).Select(a => a.ToString("0.000", CultureInfo.InvariantCulture)))}");
        var found = SeasonalPeriodDetector.Detect(x, count, 24, 1, 0);
        Assert.Equal(0, found.Period);
        // The lag-1 dip makes a local maximum above the threshold at a short lag, the case the cycle check rejects.
        Assert.Contains(Enumerable.Range(2, 3), k => acf[k] > SeasonalPeriodDetector.Threshold && acf[k] >= acf[k - 1] && acf[k] >= acf[k + 1]);
    }

    [Fact]
    public void ReadsTheTargetColumn()
    {
        // Two features: noise first, the period-4 series second (the target).
        var s = SineTrendNoise(120, 4, seed: 9);
        var rng = new Random(2);
        const int t = 12;
        var single = Windows(s, t, out int count);
        var x = new float[count * t * 2];
        for (int i = 0; i < count * t; i++)
        {
            x[2 * i] = (float)Gaussian(rng);
            x[2 * i + 1] = single[i];
        }
        Assert.Equal(4, SeasonalPeriodDetector.Detect(x, count, t, 2, 1).Period);
        Assert.NotEqual(4, SeasonalPeriodDetector.Detect(x, count, t, 2, 0).Period);
    }

    /// <summary>
    /// The accuracy suite's series (data/*.csv), its windows (T = max(2m, 12), z-scored per window as ForecastByLstm
    /// does) over the first 80% of the rows, of which the trainer detects on the first 80% (the rest is its
    /// validation split): the periods R declares for the seasonal series, none for the others.
    /// </summary>
    [Theory]
    [InlineData("ukdriverdeaths.csv", "value", 24, 12)]
    [InlineData("usaccdeaths.csv", "value", 24, 12)]
    [InlineData("ukgas.csv", "value", 12, 4)]
    [InlineData("johnsonjohnson.csv", "value", 12, 4)]
    [InlineData("bjsales.csv", "value", 12, 0)]
    [InlineData("nile.csv", "value", 12, 0)]
    [InlineData("eustockmarkets.csv", "DAX", 12, 0)]
    public void FindsTheDeclaredPeriodsOfTheAccuracySuiteSeries(string file, string column, int window, int expected)
    {
        var lines = File.ReadAllLines(Path.Combine(ProcessRunner.RepositoryRoot(), "data", file));
        int col = Array.IndexOf(lines[0].Split(','), column);
        var series = lines.Skip(1).Select(l => float.Parse(l.Split(',')[col], CultureInfo.InvariantCulture)).ToArray();
        var training = series.Take(series.Length * 8 / 10).ToArray();
        var ml = new MLContext(1);
        var rows = ml.Data.LoadFromEnumerable(training.Select(v => new Row { Y = v }));
        var windows = ml.Transforms.SlidingWindow("Window", new[] { "Y" }, window, 1)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore)).Fit(rows).Transform(rows);
        var all = WindowTestUtil.Vectors(windows, "Window");
        int count = all.Count - (int)Math.Round(all.Count * 0.2);
        var found = SeasonalPeriodDetector.Detect(all.Take(count).SelectMany(w => w).ToArray(), count, window, 1, 0);
        output.WriteLine($"{file}: period {found.Period}, acf {found.Autocorrelation:0.00} at lag {found.BestLag}");
        Assert.True(expected == found.Period, $"{file}: period {found.Period} (acf {found.Autocorrelation:0.00} at lag {found.BestLag}), expected {expected}");
    }

    private sealed class Row
    {
        public float Y { get; set; }
    }
}
