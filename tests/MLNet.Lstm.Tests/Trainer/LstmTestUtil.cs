using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary>A plain C# LSTM (the textbook equations) and data helpers for the trainer tests.</summary>
internal static class LstmTestUtil
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// f, i, o = σ(W x + U h + b), g = tanh(...), c = f⊙c + i⊙g, h = o⊙tanh(c), then head on the last h; with
    /// PyTorch's row blocks i, f, g, o. <paramref name="window"/> is time-major [T, F].
    /// </summary>
    public static double[] Reference(LstmNetworkWeights net, float[] window)
    {
        int t = net.WindowSize, f = net.FeatureCount;
        var seq = new double[t][];
        for (int s = 0; s < t; s++)
            seq[s] = Enumerable.Range(0, f).Select(k => (double)window[s * f + k]).ToArray();
        foreach (var layer in net.Layers)
        {
            int hs = layer.HiddenSize, inp = layer.InputSize;
            var h = new double[hs];
            var c = new double[hs];
            var output = new double[t][];
            for (int s = 0; s < t; s++)
            {
                var z = new double[4 * hs];
                for (int r = 0; r < 4 * hs; r++)
                {
                    double v = layer.BiasIh[r] + layer.BiasHh[r];
                    for (int k = 0; k < inp; k++)
                        v += layer.WeightIh[r * inp + k] * seq[s][k];
                    for (int k = 0; k < hs; k++)
                        v += layer.WeightHh[r * hs + k] * h[k];
                    z[r] = v;
                }
                var hNew = new double[hs];
                for (int j = 0; j < hs; j++)
                {
                    double i = Sigmoid(z[j]), fg = Sigmoid(z[hs + j]), g = Math.Tanh(z[2 * hs + j]), o = Sigmoid(z[3 * hs + j]);
                    c[j] = fg * c[j] + i * g;
                    hNew[j] = o * Math.Tanh(c[j]);
                }
                h = hNew;
                output[s] = h;
            }
            seq = output;
        }
        var last = seq[t - 1];
        int hl = last.Length;
        return Enumerable.Range(0, net.Horizon)
            .Select(o => net.HeadBias[o] + Enumerable.Range(0, hl).Sum(j => net.HeadWeight[o * hl + j] * last[j]))
            .ToArray();
    }

    public static LstmNetworkWeights RandomWeights(int seed, int t, int f, int horizon, params int[] hidden)
    {
        var rng = new Random(seed);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 1.2 - 0.6)).ToArray();
        var layers = new List<LstmLayerWeights>();
        int inp = f;
        foreach (var h in hidden)
        {
            layers.Add(new LstmLayerWeights(inp, h, R(4 * h * inp), R(4 * h * h), R(4 * h), R(4 * h)));
            inp = h;
        }
        return new LstmNetworkWeights(t, f, horizon, layers, R(horizon * inp), R(horizon));
    }

    public sealed class WindowRow
    {
        public float[] Window { get; set; } = Array.Empty<float>();
        public float Label { get; set; }
    }

    public sealed class WindowRowH
    {
        public float[] Window { get; set; } = Array.Empty<float>();
        public float[] Label { get; set; } = Array.Empty<float>();
    }

    /// <summary>An IDataView with Window = Vector&lt;Single&gt;[T, F] and Label (Single for h = 1, else vector).</summary>
    public static IDataView Windows(MLContext ml, float[][] windows, float[][] labels, int t, int f)
    {
        int h = labels[0].Length;
        var schema = SchemaDefinition.Create(h == 1 ? typeof(WindowRow) : typeof(WindowRowH));
        schema["Window"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, t, f);
        if (h > 1)
            schema["Label"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, h);
        return h == 1
            ? ml.Data.LoadFromEnumerable(windows.Select((w, i) => new WindowRow { Window = w, Label = labels[i][0] }).ToArray(), schema)
            : ml.Data.LoadFromEnumerable(windows.Select((w, i) => new WindowRowH { Window = w, Label = labels[i] }).ToArray(), schema);
    }

    /// <summary>Windows of a univariate series (F = 1) with the next <paramref name="horizon"/> values as label.</summary>
    public static (float[][] X, float[][] Y) SeriesWindows(float[] series, int t, int horizon = 1)
    {
        int n = series.Length - t - horizon + 1;
        var x = new float[n][];
        var y = new float[n][];
        for (int i = 0; i < n; i++)
        {
            x[i] = series.AsSpan(i, t).ToArray();
            y[i] = series.AsSpan(i + t, horizon).ToArray();
        }
        return (x, y);
    }

    /// <summary>Random windows with F features and a label that depends on them (learnable, small).</summary>
    public static IDataView RandomData(MLContext ml, int n, int t, int f, int horizon, int seed, bool noiseOnly = false)
    {
        var rng = new Random(seed);
        var x = new float[n][];
        var y = new float[n][];
        for (int i = 0; i < n; i++)
        {
            x[i] = Enumerable.Range(0, t * f).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            y[i] = Enumerable.Range(0, horizon).Select(k => noiseOnly ? (float)(rng.NextDouble() * 2 - 1) : 0.5f * x[i][(t - 1) * f] + 0.1f * k).ToArray();
        }
        return Windows(ml, x, y, t, f);
    }

    public static float[][] Scores(MLContext ml, IDataView scored, int horizon)
    {
        var result = MLNet.Lstm.Tests.Windows.WindowTestUtil.Vectors(scored, "Score");
        Assert.All(result, r => Assert.Equal(horizon, r.Length));
        return result.ToArray();
    }
}
