using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transforms.Onnx;
using MLNet.Lstm.Scoring;
using MLNet.Lstm.Tests.Scoring;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Suite 2, scoring: <c>Transform</c> over windows with the cursor drained through (a) stock
/// <c>ApplyOnnxModel</c>, (b) <see cref="OnnxBatchScorer"/>, (c) raw ONNX Runtime in batches of 1,024; and
/// single-row latency of <c>PredictionEngine.Predict</c> (stock and ours) against raw single-row <c>Run</c>s; and the
/// product path, a fitted <see cref="LstmForecastingTransformer"/>'s own <c>Transform</c>, against raw batches on its graph;
/// and the deployed path, that model saved and loaded back with <c>Forecasting.LoadModel</c> and with stock
/// <c>Model.Load</c> (<c>Transform</c> and <c>PredictionEngine</c>), against raw ONNX Runtime on the same graph.
/// The graph is the LSTM test graph (window T×F = 49×2, hidden 16, random weights).
/// </summary>
internal static class ScoringSuite
{
    public const int WindowSize = 49, Features = 2, Hidden = 16, RawBatch = 1024;

    public sealed class WindowRow
    {
        [VectorType(WindowSize * Features)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    public sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    public sealed class StockScoreRow
    {
        [VectorType(1)]
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    public static void Run(BenchmarkSettings s)
    {
        int rows = s.Quick ? 2_000 : 100_000;
        int latencyCalls = s.Quick ? 200 : 20_000;
        int width = WindowSize * Features;
        var model = LstmTestGraph.Build(WindowSize, Features, Hidden);
        var windows = LstmTestGraph.RandomWindows(rows, WindowSize, Features);
        var ml = new MLContext(seed: 1);
        var objects = Enumerable.Range(0, rows).Select(i => new WindowRow { Window = windows.AsSpan(i * width, width).ToArray() }).ToArray();
        var data = ml.Data.LoadFromEnumerable(objects);

        var modelPath = Path.Combine(Path.GetTempPath(), $"mlnet-lstm-bench-{Environment.ProcessId}.onnx");
        File.WriteAllBytes(modelPath, model);
        try
        {
            var stock = ml.Transforms.ApplyOnnxModel(new OnnxOptions
            {
                ModelFile = modelPath,
                InputColumns = new[] { "Window" },
                OutputColumns = new[] { "Score" },
                IntraOpNumThreads = s.Threads,
                InterOpNumThreads = 1,
            }).Fit(data);
            using var scorer = new OnnxBatchScorer(model, new BatchScorerOptions
            {
                InputColumnNames = new[] { "Window" },
                GraphOutputNames = new[] { "Score" },
                IntraOpNumThreads = s.Threads,
            });
            using var raw = new InferenceSession(model, RawSessionOptions(s.Threads));

            s.Line($"### Scoring: Transform over {rows:N0} windows (T={WindowSize}, F={Features}, hidden {Hidden}), cursor drained; intra-op threads {s.Threads}");
            s.Line();
            var throughput = Harness.Alternate(new[]
            {
                new Variant("(a) stock ApplyOnnxModel", () => Drain(stock.Transform(data), vectorScore: true)),
                new Variant("(b) OnnxBatchScorer (batch 1024)", () => Drain(scorer.Transform(data), vectorScore: false)),
                new Variant("(c) raw InferenceSession, batches of 1024", () => RawBatches(raw, windows, rows, width)),
                new Variant("(d) input IDataView alone: Window column drained, no scoring", () => DrainWindow(data)),
            }, s.Repetitions, s.Warmups);
            double rawRate = throughput[2].UnitsPerSecond;
            s.Line("| variant | median s | rows/s | × raw batched |");
            s.Line("|---|---:|---:|---:|");
            foreach (var m in throughput)
                s.Line($"| {m.Name} | {m.MedianSeconds:F3} | {m.UnitsPerSecond:N0} | {m.UnitsPerSecond / rawRate:F2} |");
            s.Line();

            // The product path: a fitted LstmForecastingTransformer's own Transform (its graph as exported by the
            // trainer, scored by the batched scorer) against raw ONNX Runtime batches on that same graph.
            using var fitted = FitSmallModel(ml, windows, Math.Min(rows, 512), width, s.Threads);
            // The fitted and loaded models score with ONNX Runtime's default intra-op thread count (the scorer's default,
            // IntraOpNumThreads = 0): the raw baseline on their graph uses the same, so the ratio compares like with like.
            using var fittedRaw = new InferenceSession(fitted.GetOnnxModel(), RawSessionOptions(threads: 0));
            s.Line($"### Scoring: a fitted model's own `Transform` (LstmForecastingTransformer, hidden {Hidden}) over {rows:N0} windows, cursor drained; both sides at ONNX Runtime's default intra-op threads");
            s.Line();
            var product = Harness.Alternate(new[]
            {
                new Variant("(e) LstmForecastingTransformer.Transform", () => Drain(fitted.Transform(data), vectorScore: true)),
                new Variant("(f) raw InferenceSession on its graph, batches of 1024", () => RawBatches(fittedRaw, windows, rows, width)),
            }, s.Repetitions, s.Warmups);
            s.Line("| variant | median s | rows/s | × raw batched |");
            s.Line("|---|---:|---:|---:|");
            foreach (var m in product)
                s.Line($"| {m.Name} | {m.MedianSeconds:F3} | {m.UnitsPerSecond:N0} | {m.UnitsPerSecond / product[1].UnitsPerSecond:F2} |");
            s.Line();

            // The deployed path: the fitted model saved, then loaded with LoadModel (our transformers, batched) and with
            // stock Model.Load (ML.NET's OnnxTransformer), against raw batches on the same graph.
            var zipPath = Path.Combine(Path.GetTempPath(), $"mlnet-lstm-bench-{Environment.ProcessId}.zip");
            ml.Model.Save(fitted, data.Schema, zipPath);
            using var loaded = (LstmForecastingTransformer)new MLContext().Forecasting.LoadModel(zipPath);
            var stockLoaded = new MLContext().Model.Load(zipPath, out _);
            File.Delete(zipPath);
            s.Line($"### Scoring: a saved model loaded back (hidden {Hidden}), `Transform` over {rows:N0} windows, cursor drained; all at ONNX Runtime's default intra-op threads");
            s.Line();
            var deployed = Harness.Alternate(new[]
            {
                new Variant("(g) Forecasting.LoadModel(zip).Transform", () => Drain(loaded.Transform(data), vectorScore: true)),
                new Variant("(h) stock Model.Load(zip).Transform", () => Drain(stockLoaded.Transform(data), vectorScore: true)),
                new Variant("(f) raw InferenceSession on its graph, batches of 1024", () => RawBatches(fittedRaw, windows, rows, width)),
            }, s.Repetitions, s.Warmups);
            s.Line("| variant | median s | rows/s | × raw batched |");
            s.Line("|---|---:|---:|---:|");
            foreach (var m in deployed)
                s.Line($"| {m.Name} | {m.MedianSeconds:F3} | {m.UnitsPerSecond:N0} | {m.UnitsPerSecond / deployed[2].UnitsPerSecond:F2} |");
            s.Line();

            var stockEngine = ml.Model.CreatePredictionEngine<WindowRow, StockScoreRow>(stock);
            using var modelStream = new MemoryStream(model);
            var stockDefault = ml.Transforms.ApplyOnnxModel(new[] { "Score" }, new[] { "Window" }, modelStream).Fit(data);
            var stockDefaultEngine = ml.Model.CreatePredictionEngine<WindowRow, StockScoreRow>(stockDefault);
            using var ours = new OnnxBatchScoringTransformer(new OnnxBatchScorer(model, new BatchScorerOptions
            {
                InputColumnNames = new[] { "Window" },
                GraphOutputNames = new[] { "Score" },
                IntraOpNumThreads = 1,
            }));
            var ourEngine = ml.Model.CreatePredictionEngine<WindowRow, ScoreRow>(ours, data.Schema);
            using var raw1 = new InferenceSession(model, RawSessionOptions(1));
            var pinnedInput = new float[width];
            var pinnedOutput = new float[1];
            using var inValue = OrtValue.CreateTensorValueFromMemory(pinnedInput, new long[] { 1, width });
            using var outValue = OrtValue.CreateTensorValueFromMemory(pinnedOutput, new long[] { 1 });
            using var runOptions = new RunOptions();
            string[] inNames = { "Window" }, outNames = { "Score" };
            var inValues = new[] { inValue };
            var outValues = new[] { outValue };

            var fittedEngine = ml.Model.CreatePredictionEngine<WindowRow, StockScoreRow>(fitted, data.Schema);
            var loadedEngine = ml.Model.CreatePredictionEngine<WindowRow, StockScoreRow>(loaded, data.Schema);
            var stockLoadedEngine = ml.Model.CreatePredictionEngine<WindowRow, StockScoreRow>(stockLoaded, data.Schema);
            using var fittedRaw1 = new InferenceSession(fitted.GetOnnxModel(), RawSessionOptions(1));
            s.Line($"### Scoring: single-row latency, {latencyCalls:N0} calls per repetition (stock engine at {s.Threads} intra-op thread(s); ours and raw at 1)");
            s.Line();
            var latency = Harness.Alternate(new[]
            {
                new Variant("stock PredictionEngine.Predict (OnnxOptions, intra-op threads as above)", () =>
                {
                    float sink = 0;
                    for (int i = 0; i < latencyCalls; i++)
                        sink += stockEngine.Predict(objects[i % rows]).Score[0];
                    GC.KeepAlive(sink);
                    return latencyCalls;
                }),
                new Variant("stock PredictionEngine.Predict, default ApplyOnnxModel(outputs, inputs, stream) options", () =>
                {
                    float sink = 0;
                    for (int i = 0; i < latencyCalls; i++)
                        sink += stockDefaultEngine.Predict(objects[i % rows]).Score[0];
                    GC.KeepAlive(sink);
                    return latencyCalls;
                }),
                new Variant("OnnxBatchScorer PredictionEngine.Predict", () =>
                {
                    float sink = 0;
                    for (int i = 0; i < latencyCalls; i++)
                        sink += ourEngine.Predict(objects[i % rows]).Score;
                    GC.KeepAlive(sink);
                    return latencyCalls;
                }),
                new Variant("raw single-row Run (pinned OrtValues)", () =>
                {
                    float sink = 0;
                    for (int i = 0; i < latencyCalls; i++)
                    {
                        objects[i % rows].Window.AsSpan().CopyTo(pinnedInput);
                        raw1.Run(runOptions, inNames, inValues, outNames, outValues);
                        sink += pinnedOutput[0];
                    }
                    GC.KeepAlive(sink);
                    return latencyCalls;
                }),
                new Variant("fitted LstmForecastingTransformer: PredictionEngine.Predict", () =>
                {
                    float sink = 0;
                    for (int i = 0; i < latencyCalls; i++)
                        sink += fittedEngine.Predict(objects[i % rows]).Score[0];
                    GC.KeepAlive(sink);
                    return latencyCalls;
                }),
                new Variant("fitted model's graph: raw single-row Run (pinned OrtValues)", () =>
                {
                    float sink = 0;
                    for (int i = 0; i < latencyCalls; i++)
                    {
                        objects[i % rows].Window.AsSpan().CopyTo(pinnedInput);
                        fittedRaw1.Run(runOptions, inNames, inValues, outNames, outValues);
                        sink += pinnedOutput[0];
                    }
                    GC.KeepAlive(sink);
                    return latencyCalls;
                }),
                new Variant("Forecasting.LoadModel(zip): PredictionEngine.Predict", () =>
                {
                    float sink = 0;
                    for (int i = 0; i < latencyCalls; i++)
                        sink += loadedEngine.Predict(objects[i % rows]).Score[0];
                    GC.KeepAlive(sink);
                    return latencyCalls;
                }),
                new Variant("stock Model.Load(zip): PredictionEngine.Predict", () =>
                {
                    float sink = 0;
                    for (int i = 0; i < latencyCalls; i++)
                        sink += stockLoadedEngine.Predict(objects[i % rows]).Score[0];
                    GC.KeepAlive(sink);
                    return latencyCalls;
                }),
                new Variant("raw single-row Run (NamedOnnxValue, allocating)", () =>
                {
                    float sink = 0;
                    for (int i = 0; i < latencyCalls; i++)
                    {
                        var tensor = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(objects[i % rows].Window.ToArray(), new[] { 1, width });
                        using var results = raw1.Run(new[] { NamedOnnxValue.CreateFromTensor("Window", tensor) });
                        sink += results.First().AsTensor<float>()[0];
                    }
                    GC.KeepAlive(sink);
                    return latencyCalls;
                }),
            }, s.Repetitions, s.Warmups);
            double rawLatency = latency[3].MedianSeconds / latencyCalls;
            s.Line("| variant | median µs/call | × raw pinned Run |");
            s.Line("|---|---:|---:|");
            foreach (var m in latency)
            {
                double perCall = m.MedianSeconds / latencyCalls;
                s.Line($"| {m.Name} | {perCall * 1e6:F1} | {perCall / rawLatency:F2} |");
            }
            s.Line();
            s.Line($"Fitted model: PredictionEngine.Predict ÷ raw single-row Run on the same graph = {latency[4].MedianSeconds / latency[5].MedianSeconds:F2}");
            s.Line();
            s.Line($"LoadModel: PredictionEngine.Predict ÷ raw single-row Run on the same graph = {latency[6].MedianSeconds / latency[5].MedianSeconds:F2}; " +
                $"stock Model.Load: {latency[7].MedianSeconds / latency[5].MedianSeconds:F2}");
            s.Line();
        }
        finally
        {
            File.Delete(modelPath);
        }
    }

    public static SessionOptions RawSessionOptions(int threads)
    {
        var o = new SessionOptions
        {
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };
        return o;
    }

    internal static long Drain(IDataView view, bool vectorScore)
    {
        var column = view.Schema["Score"];
        using var cursor = view.GetRowCursor(new[] { column });
        long n = 0;
        float sink = 0;
        if (vectorScore)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> v = default;
            while (cursor.MoveNext())
            {
                getter(ref v);
                sink += v.GetValues()[0];
                n++;
            }
        }
        else
        {
            var getter = cursor.GetGetter<float>(column);
            float v = 0;
            while (cursor.MoveNext())
            {
                getter(ref v);
                sink += v;
                n++;
            }
        }
        GC.KeepAlive(sink);
        return n;
    }

    private static long DrainWindow(IDataView view)
    {
        var column = view.Schema["Window"];
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> v = default;
        long n = 0;
        float sink = 0;
        while (cursor.MoveNext())
        {
            getter(ref v);
            sink += v.GetValues()[0];
            n++;
        }
        GC.KeepAlive(sink);
        return n;
    }

    public sealed class LabelledWindowRow
    {
        [VectorType(WindowSize * Features)]
        public float[] Window { get; set; } = Array.Empty<float>();

        public float Label { get; set; }
    }

    /// <summary>A small model trained by the plugin (1 epoch), only for its exported graph and its Transform.</summary>
    private static LstmForecastingTransformer FitSmallModel(MLContext ml, float[] windows, int count, int width, int threads)
    {
        var rows = Enumerable.Range(0, count).Select(i => new LabelledWindowRow
        {
            Window = windows.AsSpan(i * width, width).ToArray(),
            Label = windows[i * width + width - Features],
        }).ToArray();
        return ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
        {
            HiddenSizes = new[] { Hidden },
            WindowSize = WindowSize,
            Dropout = 0,
            Epochs = 1,
            BatchSize = 64,
            Seed = 1,
            Device = new TorchDeviceOptions { Device = "cpu", Threads = Math.Max(1, threads) },
        }).Fit(ml.Data.LoadFromEnumerable(rows));
    }

    internal static long RawBatches(InferenceSession session, float[] windows, int rows, int width)
    {
        string[] inNames = { "Window" }, outNames = { "Score" };
        var output = new float[RawBatch];
        using var runOptions = new RunOptions();
        float sink = 0;
        for (int start = 0; start < rows; start += RawBatch)
        {
            int n = Math.Min(RawBatch, rows - start);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                new Memory<float>(windows, start * width, n * width), new long[] { n, width });
            using var result = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                new Memory<float>(output, 0, n), new long[] { n });
            session.Run(runOptions, inNames, new[] { input }, outNames, new[] { result });
            sink += output[0];
        }
        GC.KeepAlive(sink);
        return rows;
    }
}
