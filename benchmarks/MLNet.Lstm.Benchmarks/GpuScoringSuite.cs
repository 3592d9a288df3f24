using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNet.Lstm.Scoring;
using MLNet.Lstm.Tests.Scoring;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Suite <c>scoring-gpu</c> (part of (6) GPU): the batched scorer on ONNX Runtime's CUDA execution provider
/// (<see cref="OnnxScoringOptions.GpuDeviceId"/>) against raw CUDA <c>Run</c>s in batches of 1,024 and the same scorer
/// on the CPU, over the LSTM test graph (window 49×2) at hidden 16 and 128; and the largest difference between GPU
/// and CPU scores. Needs the CUDA build of ONNX Runtime: build with <c>-p:OnnxRuntimeBackend=cuda</c> (benchmarks/gpu.sh
/// does). The device is <c>MLNET_LSTM_BENCH_GPU_DEVICE</c> (default 0).
/// </summary>
internal static class GpuScoringSuite
{
    public const string Verb = "scoring-gpu";

    public static void Run(BenchmarkSettings s)
    {
        int device = int.TryParse(Environment.GetEnvironmentVariable("MLNET_LSTM_BENCH_GPU_DEVICE"), out var d) ? d : 0;
        int rows = s.Quick ? 2_000 : 100_000;
        const int T = ScoringSuite.WindowSize, F = ScoringSuite.Features;
        var windows = LstmTestGraph.RandomWindows(rows, T, F);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows)
            .Select(i => new ScoringSuite.WindowRow { Window = windows.AsSpan(i * T * F, T * F).ToArray() }).ToArray());
        s.Line($"ONNX Runtime providers: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}; CUDA device {device}");
        foreach (int hidden in new[] { 16, 128 })
        {
            var model = LstmTestGraph.Build(T, F, hidden);
            using var gpu = new OnnxBatchScorer(model, Options(s, new OnnxScoringOptions { GpuDeviceId = device }));
            using var cpu = new OnnxBatchScorer(model, Options(s, new OnnxScoringOptions()));
            using var rawOptions = ScoringSuite.RawSessionOptions(s.Threads);
            rawOptions.AppendExecutionProvider_CUDA(device);
            using var raw = new InferenceSession(model, rawOptions);

            s.Line($"### Scoring on {gpu.ExecutionProvider}: Transform over {rows:N0} windows (T={T}, F={F}, hidden {hidden}), cursor drained");
            s.Line();
            var m = Harness.Alternate(new[]
            {
                new Variant("(g) OnnxBatchScorer on CUDA (batch 1024)", () => ScoringSuite.Drain(gpu.Transform(data), vectorScore: false)),
                new Variant("(h) raw InferenceSession on CUDA, batches of 1024", () => ScoringSuite.RawBatches(raw, windows, rows, T * F)),
                new Variant($"(i) OnnxBatchScorer on the CPU (batch 1024, {s.Threads} intra-op threads)", () => ScoringSuite.Drain(cpu.Transform(data), vectorScore: false)),
            }, s.Repetitions, s.Warmups);
            s.Line("| variant | median s | rows/s | × raw CUDA batched |");
            s.Line("|---|---:|---:|---:|");
            foreach (var r in m)
                s.Line($"| {r.Name} | {r.MedianSeconds:F3} | {r.UnitsPerSecond:N0} | {r.UnitsPerSecond / m[1].UnitsPerSecond:F2} |");
            s.Line();
            s.Line($"Largest |GPU − CPU| score difference over the first 1,024 windows: {LargestDifference(gpu, cpu, windows, T * F):E2}");
            s.Line();
        }
    }

    private static BatchScorerOptions Options(BenchmarkSettings s, OnnxScoringOptions device) => new()
    {
        InputColumnNames = new[] { "Window" },
        GraphOutputNames = new[] { "Score" },
        IntraOpNumThreads = s.Threads,
        Device = device,
    };

    private static double LargestDifference(OnnxBatchScorer gpu, OnnxBatchScorer cpu, float[] windows, int width)
    {
        int n = Math.Min(1024, windows.Length / width);
        var tensor = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(windows.AsMemory(0, n * width), new[] { n, width });
        var input = new[] { NamedOnnxValue.CreateFromTensor("Window", tensor) };
        using var a = gpu.Session.Run(input, new[] { "Score" });
        using var b = cpu.Session.Run(input, new[] { "Score" });
        var x = a.Single().AsTensor<float>().ToArray();
        var y = b.Single().AsTensor<float>().ToArray();
        return x.Zip(y, (p, q) => (double)Math.Abs(p - q)).Max();
    }
}
