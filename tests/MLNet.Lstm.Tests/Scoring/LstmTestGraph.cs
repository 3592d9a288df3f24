using MLNet.Lstm.Onnx;

namespace MLNet.Lstm.Tests.Scoring;

/// <summary>
/// A one-layer LSTM forecasting graph with random weights, written with <see cref="OnnxModelBuilder"/>:
/// Window [N, T*F] → Reshape [N,T,F] → Transpose [T,N,F] → LSTM (layout 0) → Y_h [1,N,H] → Reshape [N,H]
/// ("Hidden" output) → MatMul [H,1] + Add → Reshape → Score [N]. Shared with the benchmarks (linked there).
/// </summary>
internal static class LstmTestGraph
{
    public static byte[] Build(int windowSize, int features, int hidden, int seed = 42)
    {
        var rng = new Random(seed);
        float[] Random(int n, float scale)
        {
            var values = new float[n];
            for (int i = 0; i < n; i++)
                values[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
            return values;
        }

        float scale = 1f / MathF.Sqrt(hidden);
        var b = new OnnxModelBuilder("lstm_test");
        b.AddInput("Window", OnnxElementType.Float, OnnxDim.Batch, windowSize * features);
        b.AddInt64Vector("ntf", -1, windowSize, features);
        b.AddInt64Vector("nh", -1, hidden);
        b.AddInt64Vector("n", -1);
        b.AddInitializer("W", Random(4 * hidden * features, scale), new long[] { 1, 4 * hidden, features });
        b.AddInitializer("R", Random(4 * hidden * hidden, scale), new long[] { 1, 4 * hidden, hidden });
        b.AddInitializer("B", Random(8 * hidden, scale), new long[] { 1, 8 * hidden });
        b.AddInitializer("Wout", Random(hidden, scale), new long[] { hidden, 1 });
        b.AddInitializer("Bout", Random(1, scale), new long[] { 1 });
        b.AddNode("Reshape", new[] { "Window", "ntf" }, new[] { "x_ntf" });
        b.AddNode("Transpose", new[] { "x_ntf" }, new[] { "x_tnf" }, OnnxAttribute.Of("perm", new long[] { 1, 0, 2 }));
        b.AddNode("LSTM", new[] { "x_tnf", "W", "R", "B" }, new[] { "Y", "Y_h" },
            OnnxAttribute.Of("hidden_size", (long)hidden), OnnxAttribute.Of("layout", 0L));
        b.AddNode("Reshape", new[] { "Y_h", "nh" }, new[] { "Hidden" });
        b.AddNode("MatMul", new[] { "Hidden", "Wout" }, new[] { "mm" });
        b.AddNode("Add", new[] { "mm", "Bout" }, new[] { "score_n1" });
        b.AddNode("Reshape", new[] { "score_n1", "n" }, new[] { "Score" });
        b.AddOutput("Score", OnnxElementType.Float, OnnxDim.Batch);
        b.AddOutput("Hidden", OnnxElementType.Float, OnnxDim.Batch, hidden);
        b.SetMetadata("mlnet_lstm.format", "lstm_test");
        b.SetMetadata("mlnet_lstm.version", "1");
        return b.Build();
    }

    /// <summary>Random windows, row-major [rows, T*F], reproducible.</summary>
    public static float[] RandomWindows(int rows, int windowSize, int features, int seed = 7)
    {
        var rng = new Random(seed);
        var values = new float[rows * windowSize * features];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }
}
