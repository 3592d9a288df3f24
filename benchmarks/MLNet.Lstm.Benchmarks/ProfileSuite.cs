using MLNet.Lstm.Training;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Profile of suite 1: the pipeline Fit (same config as <see cref="TrainingSuite"/>) with the trainer's internal
/// phase timings (<see cref="LstmFitEvents.PhaseEnded"/>), alternating with the raw loop; medians per phase. The rest of
/// the pipeline's time (LoadFromEnumerable, SlidingWindow/NormalizeWindows Fit) is "outside the trainer".
/// </summary>
internal static class ProfileSuite
{
    public static void Run(BenchmarkSettings s)
    {
        var config = TrainingSuite.Config(s);
        TorchNativeLoader.EnsureLoaded();
        var series = TrainingSuite.SyntheticSeries(config.Rows, config.Features, config.Seed);
        var (x, y) = TrainingSuite.RelativeToFirstWindows(series, config);
        var phases = new List<Dictionary<string, double>>();
        Dictionary<string, double>? current = null;
        var order = new List<string>();
        Action<string, double> observe = (name, seconds) =>
        {
            if (!order.Contains(name))
                order.Add(name);
            current![name] = current.GetValueOrDefault(name) + seconds;
        };
        var fit = PipelineFit.TryCreate(series, config, events => events.PhaseEnded += observe)!;
        var variants = new List<Variant>
        {
            new("pipeline", () =>
            {
                current = new Dictionary<string, double>();
                var sw = System.Diagnostics.Stopwatch.StartNew();
                long units = fit();
                double inside = current.Values.Sum();
                current["outside the trainer (load, SlidingWindow/NormalizeWindows Fit)"] = sw.Elapsed.TotalSeconds - inside;
                phases.Add(current);
                return units;
            }),
            new("raw", () => TrainingSuite.RawLoop(x, y, config)),
        };
        // MLNET_LSTM_BENCH_COLLECT=1,4,16,0: also time the pipeline with those FinalizerCollectInterval values.
        foreach (var k in (Environment.GetEnvironmentVariable("MLNET_LSTM_BENCH_COLLECT") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int interval = int.Parse(k);
            var collecting = PipelineFit.TryCreate(series, config, finalizerCollectInterval: interval)!;
            variants.Add(new($"pipeline, collect every {interval}", collecting));
        }
        var r = Harness.Alternate(variants, s.Repetitions, s.Warmups);
        var counted = phases.Skip(s.Warmups).ToList();
        var stats = TorchSharp.DisposeScopeManager.Statistics;
        stats.Reset();
        current = new Dictionary<string, double>();
        fit();
        s.Line($"<!-- tensors during one more pipeline Fit: {stats} -->");
        stats.Reset();
        TrainingSuite.RawLoop(x, y, config);
        s.Line($"<!-- tensors during one more raw loop: {stats} -->");
        order.Add("outside the trainer (load, SlidingWindow/NormalizeWindows Fit)");
        s.Line($"### Profile of suite 1 ({config.Windows:N0} windows, batch {config.BatchSize}, {config.Epochs} epochs, hidden {config.Hidden}): medians of {counted.Count}");
        s.Line();
        s.Line("| phase | median s | per-rep s |");
        s.Line("|---|---:|---|");
        foreach (var name in order)
        {
            var v = counted.Select(p => p.GetValueOrDefault(name)).ToArray();
            s.Line($"| {name} | {Harness.Median(v):F3} | {string.Join(" ", v.Select(t => t.ToString("F3")))} |");
        }
        s.Line($"| **pipeline Fit total** | {r[0].MedianSeconds:F3} | {string.Join(" ", r[0].Seconds.Select(t => t.ToString("F3")))} |");
        s.Line($"| **raw loop total** | {r[1].MedianSeconds:F3} | {string.Join(" ", r[1].Seconds.Select(t => t.ToString("F3")))} |");
        s.Line($"| pipeline ÷ raw | {r[0].MedianSeconds / r[1].MedianSeconds:F2} | |");
        foreach (var m in r.Skip(2))
            s.Line($"| {m.Name} (÷ raw {m.MedianSeconds / r[1].MedianSeconds:F2}) | {m.MedianSeconds:F3} | {string.Join(" ", m.Seconds.Select(t => t.ToString("F3")))} |");
        s.Line();
    }
}
