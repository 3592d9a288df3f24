using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;
using MLNet.Lstm.Training;

namespace MLNet.Lstm.Benchmarks;

/// <summary>Network, data and hyperparameters shared by the pipeline and the raw TorchSharp loop.</summary>
internal sealed record TrainingConfig(int Rows, int WindowSize, int Features, int Hidden, int Layers, int BatchSize,
    int Epochs, double LearningRate, int Seed, int Threads)
{
    /// <summary>Windows a series of <see cref="Rows"/> rows gives (horizon 1, labelled windows only).</summary>
    public int Windows => Rows - WindowSize;

    /// <summary>Torch device of both sides: <c>MLNET_LSTM_BENCH_DEVICE</c> (benchmarks/gpu.sh sets cuda), else cpu.</summary>
    public static string Device => Environment.GetEnvironmentVariable("MLNET_LSTM_BENCH_DEVICE") is { Length: > 0 } d ? d : "cpu";
}

/// <summary>
/// Suite 1, training overhead: the whole ML.NET pipeline <c>Fit</c> (SlidingWindow → NormalizeWindows → Lstm)
/// against a raw TorchSharp loop on identical tensors, network, hyperparameters, epochs, seed and threads.
/// </summary>
internal static class TrainingSuite
{
    public static void Run(BenchmarkSettings s)
    {
        var config = Config(s);
        TorchNativeLoader.EnsureLoaded();
        var series = SyntheticSeries(config.Rows, config.Features, config.Seed);
        var (x, y) = RelativeToFirstWindows(series, config);

        s.Line($"### Training: {config.Windows:N0} windows (T={config.WindowSize}, F={config.Features}), LSTM {config.Layers}×{config.Hidden}, batch {config.BatchSize}, {config.Epochs} epoch(s), Adam lr {config.LearningRate}, torch threads {config.Threads}");
        s.Line();
        var variants = new List<Variant>
        {
            new("raw TorchSharp loop", () => RawLoop(x, y, config)),
        };
        if (!s.Quick)
            variants.Insert(0, new Variant("raw TorchSharp loop without the per-batch GC (naive)", () => RawLoop(x, y, config, collectEveryBatch: false)));
        var pipeline = PipelineFit.TryCreate(series, config);
        if (pipeline is not null)
            variants.Insert(0, new Variant("ML.NET pipeline Fit (SlidingWindow → NormalizeWindows → Lstm)", pipeline));
        var results = Harness.Alternate(variants, s.Repetitions, s.Warmups);
        s.Line("| variant | median s | windows/s | pipeline ÷ raw time |");
        s.Line("|---|---:|---:|---:|");
        var raw = results[^1];
        foreach (var m in results)
            s.Line($"| {m.Name} | {m.MedianSeconds:F3} | {m.UnitsPerSecond:N0} | {(pipeline is null ? "—" : (m.MedianSeconds / raw.MedianSeconds).ToString("F2"))} |");
        if (pipeline is null)
            s.Line($"| ML.NET pipeline Fit | PENDING | PENDING | PENDING ({PipelineFit.MissingReason}) |");
        s.Line();
    }

    /// <summary>The suite's configuration (also the profile suite's).</summary>
    public static TrainingConfig Config(BenchmarkSettings s) => s.Quick
        ? new TrainingConfig(Rows: 300, WindowSize: 10, Features: 2, Hidden: 8, Layers: 1, BatchSize: 32, Epochs: 1, LearningRate: 1e-3, Seed: 1, Threads: s.Threads)
        : new TrainingConfig(Rows: 20_000, WindowSize: 49, Features: 2, Hidden: 32, Layers: 1, BatchSize: 64, Epochs: 2, LearningRate: 1e-3, Seed: 1, Threads: s.Threads);

    /// <summary>A reproducible 2-or-more-column positive series (random walks), row-major [rows, features].</summary>
    public static float[] SyntheticSeries(int rows, int features, int seed)
    {
        var rng = new Random(seed);
        var values = new float[rows * features];
        for (int f = 0; f < features; f++)
        {
            double v = 100 + 50 * f;
            for (int r = 0; r < rows; r++)
            {
                v *= 1 + (rng.NextDouble() - 0.5) * 0.02;
                values[r * features + f] = (float)v;
            }
        }
        return values;
    }

    /// <summary>
    /// Windows [N, T, F] and next-step labels [N] of column 0, both normalised relative to each window's first row
    /// (<c>w / w0 - 1</c>), as SlidingWindow + NormalizeWindows(RelativeToFirst) produce them.
    /// </summary>
    public static (float[] X, float[] Y) RelativeToFirstWindows(float[] series, TrainingConfig c)
    {
        int n = c.Windows, t = c.WindowSize, f = c.Features;
        var x = new float[(long)n * t * f];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < t; k++)
                for (int j = 0; j < f; j++)
                    x[((long)i * t + k) * f + j] = series[(i + k) * f + j] / series[i * f + j] - 1;
            y[i] = series[(i + t) * f] / series[i * f] - 1;
        }
        return (x, y);
    }

    /// <summary>The reference network: stacked LSTM (batch first), last step → Linear(hidden, 1).</summary>
    public sealed class Net : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.LSTM _lstm;
        private readonly TorchSharp.Modules.Linear _head;

        public Net(int features, int hidden, int layers) : base("LstmNet")
        {
            _lstm = nn.LSTM(features, hidden, numLayers: layers, batchFirst: true);
            _head = nn.Linear(hidden, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var (output, h, c) = _lstm.forward(input);
            var last = output.select(1, -1);
            return _head.forward(last).squeeze(-1).MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// The raw loop: shuffled mini-batches, Adam, MSE, the mean training loss read per batch (<c>item()</c>, as the
    /// trainer does for its history and divergence check); returns windows processed (windows × epochs). With
    /// <paramref name="collectEveryBatch"/> it runs the same young-generation GC after each batch as the trainer
    /// (MLNet.Lstm.Training.BatchCollector: frees the Scalars TorchSharp's Adam leaves to finalizers).
    /// </summary>
    public static long RawLoop(float[] x, float[] y, TrainingConfig c, bool collectEveryBatch = true)
    {
        torch.set_num_threads(c.Threads);
        torch.manual_seed(c.Seed);
        var device = torch.device(TrainingConfig.Device);
        using var net = new Net(c.Features, c.Hidden, c.Layers);
        net.to(device);
        using var optimizer = optim.Adam(net.parameters(), lr: c.LearningRate);
        using var xs = torch.tensor(x, new long[] { c.Windows, c.WindowSize, c.Features }, device: device);
        using var ys = torch.tensor(y, new long[] { c.Windows }, device: device);
        var loss = nn.MSELoss();
        var generator = new torch.Generator((ulong)c.Seed);
        int batchesSinceCollect = 0;
        for (int epoch = 0; epoch < c.Epochs; epoch++)
        {
            double lossSum = 0;
            using var perm = torch.randperm(c.Windows, generator: generator);
            for (long start = 0; start < c.Windows; start += c.BatchSize)
            {
                using var scope = NewDisposeScope();
                long end = Math.Min(start + c.BatchSize, c.Windows);
                var idx = perm.slice(0, start, end, 1).to(device);
                var prediction = net.forward(xs.index_select(0, idx));
                var l = loss.forward(prediction, ys.index_select(0, idx));
                optimizer.zero_grad();
                l.backward();
                optimizer.step();
                lossSum += l.item<float>() * (end - start);
                // The same collection cadence as the trainer (MLNet.Lstm.Training.BatchCollector).
                if (collectEveryBatch && BatchCollector.DefaultInterval > 0
                    && ++batchesSinceCollect % BatchCollector.DefaultInterval == 0)
                {
                    GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);
                }
            }
            GC.KeepAlive(lossSum / c.Windows);
        }
        if (device.type == DeviceType.CUDA)
            torch.cuda.synchronize();
        return (long)c.Windows * c.Epochs;
    }
}
