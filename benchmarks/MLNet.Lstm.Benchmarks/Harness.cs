using System.Diagnostics;

namespace MLNet.Lstm.Benchmarks;

/// <summary>One timed alternative: <see cref="Run"/> does the work once and returns the units done (rows, windows).</summary>
internal sealed record Variant(string Name, Func<long> Run);

/// <summary>Median seconds and units per second of one variant over the repetitions.</summary>
internal sealed record Measurement(string Name, double MedianSeconds, double UnitsPerSecond, long Units, double[] Seconds);

/// <summary>
/// The harness: every repetition runs every variant once, in an order that rotates between repetitions (so
/// drift on a shared machine hits all of them alike), after warm-up runs that are not counted. Timing is
/// <see cref="Stopwatch"/>; the reported figure is the median.
/// </summary>
internal static class Harness
{
    public static IReadOnlyList<Measurement> Alternate(IReadOnlyList<Variant> variants, int repetitions, int warmups)
    {
        for (int w = 0; w < warmups; w++)
            foreach (var v in variants)
                v.Run();
        var seconds = variants.Select(_ => new double[repetitions]).ToArray();
        var units = new long[variants.Count];
        for (int r = 0; r < repetitions; r++)
        {
            for (int k = 0; k < variants.Count; k++)
            {
                int i = (k + r) % variants.Count;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var sw = Stopwatch.StartNew();
                units[i] = variants[i].Run();
                seconds[i][r] = sw.Elapsed.TotalSeconds;
            }
        }
        return variants.Select((v, i) =>
        {
            double median = Median(seconds[i]);
            return new Measurement(v.Name, median, units[i] / median, units[i], seconds[i]);
        }).ToArray();
    }

    public static double Median(double[] values)
    {
        var sorted = values.OrderBy(x => x).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

/// <summary>Settings shared by the suites, from the command line.</summary>
internal sealed record BenchmarkSettings(bool Quick, int Repetitions, int Warmups, int Threads, TextWriter Output)
{
    public void Line(string text = "") => Output.WriteLine(text);
}
