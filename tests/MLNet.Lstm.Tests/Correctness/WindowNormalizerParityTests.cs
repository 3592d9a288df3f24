using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>
/// Issue 12 §2: the C# kernel and the ONNX graph of <c>WindowNormalizer</c> give the same windows, shifts and scales for
/// every mode and edge case (bitwise, NaN included), and follow the documented rules.
/// </summary>
public class WindowNormalizerParityTests
{
    private const int T = 5;
    private const int F = 3;

    private sealed class FlatWindow
    {
        [VectorType(T * F)]
        public float[] Window { get; set; } = new float[T * F];
    }

    /// <summary>Column-major cases: each is one column of T values; a window puts three cases side by side.</summary>
    private static readonly (string Name, float[] Values)[] Columns =
    {
        ("ordinary", new[] { 2f, 4f, 3f, 6f, 5.5f }),
        ("negative", new[] { -3f, -1f, -2.5f, -7f, 0.5f }),
        ("zero base", new[] { 0f, 1f, 2f, 3f, 4f }),
        ("negative zero base", new[] { -0f, 1f, -2f, 3f, 4f }),
        ("constant", new[] { 7f, 7f, 7f, 7f, 7f }),
        ("all zero", new[] { 0f, 0f, 0f, 0f, 0f }),
        ("NaN first", new[] { float.NaN, 1f, 2f, 3f, 4f }),
        ("NaN middle", new[] { 1f, 2f, float.NaN, 3f, 4f }),
        ("+Inf", new[] { 1f, float.PositiveInfinity, 2f, 3f, 4f }),
        ("-Inf last", new[] { 1f, 2f, 3f, 4f, float.NegativeInfinity }),
        ("large prices", new[] { 6_123_456.5f, 6_123_460.25f, 6_123_401f, 6_123_499.75f, 6_123_455f }),
        ("huge range", new[] { -3e38f, 3e38f, 0f, 1f, 2f }),
        ("tiny", new[] { 1e-30f, 2e-30f, 3e-30f, 1.5e-30f, 1e-30f }),
        ("1e-25 scale", new[] { 1.05e-25f, 0.98e-25f, 1.01e-25f, 1.1e-25f, 0.95e-25f }),
        ("squares overflow", new[] { 0f, 1e19f, -1e19f, 3e19f, 2e19f }),
        ("sum overflow", new[] { -2e38f, 1e38f, 1.2e38f, 1.3e38f, 1.4e38f }),
    };

    private static float[][] Windows()
    {
        var windows = new List<float[]>();
        for (int a = 0; a < Columns.Length; a++)
        {
            var window = new float[T * F];
            for (int j = 0; j < F; j++)
            {
                var column = Columns[(a + j * 5) % Columns.Length].Values;
                for (int i = 0; i < T; i++)
                    window[i * F + j] = column[i];
            }
            windows.Add(window);
        }
        return windows.ToArray();
    }

    private static (float[] Window, float[] Shift, float[] Scale) Graph(InferenceSession session, NormalizeWindowsTransformer n, float[] window)
    {
        var input = NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(window, new[] { 1, T * F }));
        using var results = session.Run(new[] { input });
        float[] Output(string name) => results.Single(r => r.Name == name).AsEnumerable<float>().ToArray();
        return (Output("out"), Output(n.ShiftColumnName), Output(n.ScaleColumnName));
    }

    private static void Same(float[] expected, float[] actual, bool bitwise, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsNaN(expected[i]) == float.IsNaN(actual[i]), $"{what}[{i}]: {expected[i]} vs {actual[i]}");
            if (float.IsNaN(expected[i]))
                continue;
            if (bitwise)
                Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"{what}[{i}]: {expected[i]} vs {actual[i]}");
            else
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: {expected[i]} vs {actual[i]}");
        }
    }

    [Theory]
    [InlineData(WindowNormalization.None)]
    [InlineData(WindowNormalization.RelativeToFirst)]
    [InlineData(WindowNormalization.MinMax)]
    [InlineData(WindowNormalization.ZScore)]
    [InlineData(WindowNormalization.RelativeToLast)]
    public void TheKernelAndTheGraphAgreeOnEveryEdgeCase(WindowNormalization mode)
    {
        var ml = new MLContext(seed: 1);
        var schema = ml.Data.LoadFromEnumerable(new[] { new FlatWindow() });
        var transformer = ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = T, Mode = mode }).Fit(schema);
        using var session = new InferenceSession(transformer.BuildOnnx("out"));
        const bool bitwise = true;
        foreach (var raw in Windows())
        {
            var window = (float[])raw.Clone();
            var shift = new float[F];
            var scale = new float[F];
            int invalid = WindowNormalizer.Normalize(window, T, F, mode, shift, scale);
            var graph = Graph(session, transformer, raw);
            string what = $"{mode} [{string.Join(", ", raw)}]";
            Same(window, graph.Window, bitwise, what + " window");
            Same(shift, graph.Shift, bitwise, what + " shift");
            Same(scale, graph.Scale, bitwise, what + " scale");
            CheckRules(mode, raw, window, shift, scale, invalid);
        }
    }

    /// <summary>
    /// The documented rules (docs/windows.md): invalid columns are all NaN; constant columns give 0 and scale 0 (the
    /// inverse then gives the level); ZScore's scale is the population deviation without underflow or overflow.
    /// </summary>
    private static void CheckRules(WindowNormalization mode, float[] raw, float[] window, float[] shift, float[] scale, int invalid)
    {
        int firstInvalid = -1;
        for (int j = 0; j < F; j++)
        {
            var column = Enumerable.Range(0, T).Select(i => raw[i * F + j]).ToArray();
            bool nonFinite = column.Any(v => !float.IsFinite(v));
            bool zeroBase = (mode == WindowNormalization.RelativeToFirst && column[0] == 0f)
                || (mode == WindowNormalization.RelativeToLast && column[T - 1] == 0f);
            bool overflow = mode switch
            {
                WindowNormalization.MinMax => float.IsInfinity(column.Max() - column.Min()),
                WindowNormalization.ZScore => ZScoreOverflows(column),
                _ => false,
            };
            bool expectInvalid = nonFinite || zeroBase || overflow;
            var normalized = Enumerable.Range(0, T).Select(i => window[i * F + j]).ToArray();
            Assert.Equal(expectInvalid, float.IsNaN(shift[j]) && float.IsNaN(scale[j]) && normalized.All(float.IsNaN));
            if (expectInvalid && firstInvalid < 0)
                firstInvalid = j;
            bool constant = !nonFinite && column.All(v => v == column[0]);
            if (constant && mode is WindowNormalization.MinMax or WindowNormalization.ZScore)
            {
                Assert.Equal(0f, scale[j]);
                Assert.All(normalized, v => Assert.Equal(0f, v));
                Assert.Equal(column[0], WindowNormalizer.Denormalize(0.37f, shift[j], scale[j]));
                Assert.Equal(0f, WindowNormalizer.NormalizeValue(column[0] + 5f, shift[j], scale[j]));
            }
            if (mode == WindowNormalization.ZScore && !expectInvalid && !constant)
            {
                double mean = column.Average(v => (double)v);
                double std = Math.Sqrt(column.Average(v => ((double)v - mean) * ((double)v - mean)));
                Assert.True(Math.Abs(scale[j] - std) <= 1e-5 * std, $"ZScore scale {scale[j]} vs the deviation {std} of [{string.Join(", ", column)}]");
            }
        }
        Assert.Equal(firstInvalid, invalid);
    }

    /// <summary>Whether a float32 sum of the deviations from the first value, or a deviation from their mean, overflows.</summary>
    private static bool ZScoreOverflows(float[] column)
    {
        float sum = 0;
        foreach (var v in column)
            sum += v - column[0];
        float mean = sum / column.Length;
        return float.IsInfinity(sum) || column.Any(v => float.IsInfinity((v - column[0]) - mean));
    }

    [Fact]
    public void TheLabelPathAndTheInverseAreTheKernels()
    {
        var window = new[] { 2f, 10f, 4f, 5f, 3f, 20f };
        var shift = new float[2];
        var scale = new float[2];
        Assert.Equal(-1, WindowNormalizer.Normalize(window, 3, 2, WindowNormalization.RelativeToFirst, shift, scale));
        Assert.Equal(0.5f, WindowNormalizer.NormalizeValue(3f, shift[0], scale[0]));
        Assert.Equal(3f, WindowNormalizer.Denormalize(0.5f, shift[0], scale[0]));
        Assert.Equal(3f, NormalizeWindowsTransformer.Denormalize(0.5f, shift[0], scale[0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => WindowNormalizer.For((WindowNormalization)42));
    }
}
