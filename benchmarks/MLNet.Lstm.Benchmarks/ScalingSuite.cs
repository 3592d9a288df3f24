namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Suite 5, scaling: training windows/s against batch size (32..1024, hidden 32) and hidden size (32..256, batch
/// 256). The raw TorchSharp loop is measured now; the pipeline column fills in once <see cref="PipelineFit"/> is
/// live (pending while the trainer is not merged).
/// </summary>
internal static class ScalingSuite
{
    public static void Run(BenchmarkSettings s)
    {
        TorchNativeLoader.EnsureLoaded();
        int rows = s.Quick ? 300 : 10_000;
        int window = s.Quick ? 10 : 49;
        int[] batches = s.Quick ? new[] { 32 } : new[] { 32, 64, 128, 256, 512, 1024 };
        int[] hiddens = s.Quick ? new[] { 8 } : new[] { 32, 64, 128, 256 };
        var series = TrainingSuite.SyntheticSeries(rows, 2, seed: 1);

        s.Line($"### Scaling: training windows/s, {rows - window:N0} windows (T={window}, F=2), 1 layer, 1 epoch, torch threads {s.Threads}");
        s.Line();
        s.Line("| batch | hidden | raw TorchSharp windows/s | pipeline windows/s | pipeline ÷ raw time |");
        s.Line("|---:|---:|---:|---:|---:|");
        var grid = batches.Select(b => (Batch: b, Hidden: hiddens[0]))
            .Concat(hiddens.Skip(1).Select(h => (Batch: 256, Hidden: h)));
        foreach (var (batch, hidden) in grid)
        {
            var config = new TrainingConfig(rows, window, 2, hidden, Layers: 1, BatchSize: batch, Epochs: 1, LearningRate: 1e-3, Seed: 1, Threads: s.Threads);
            var (x, y) = TrainingSuite.RelativeToFirstWindows(series, config);
            var variants = new List<Variant> { new("raw", () => TrainingSuite.RawLoop(x, y, config)) };
            var pipeline = PipelineFit.TryCreate(series, config);
            if (pipeline is not null)
                variants.Add(new Variant("pipeline", pipeline));
            var r = Harness.Alternate(variants, s.Quick ? 1 : Math.Max(3, s.Repetitions / 2 + 1), s.Warmups);
            string pipe = pipeline is null ? "PENDING" : $"{r[1].UnitsPerSecond:N0}";
            string ratio = pipeline is null ? "—" : $"{r[1].MedianSeconds / r[0].MedianSeconds:F2}";
            s.Line($"| {batch} | {hidden} | {r[0].UnitsPerSecond:N0} | {pipe} | {ratio} |");
        }
        s.Line();
    }
}
