using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Training;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary>The ONNX graph against the plain C# LSTM equations (no TorchSharp involved).</summary>
public class LstmOnnxExporterTests
{
    private static float[] RunOnnx(byte[] model, float[][] windows, float[][]? shift = null, float[][]? scale = null, string input = "Window")
    {
        using var session = new InferenceSession(model);
        int n = windows.Length, tf = windows[0].Length;
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>(windows.SelectMany(w => w).ToArray(), new[] { n, tf })),
        };
        if (shift is not null)
        {
            int f = shift[0].Length;
            inputs.Add(NamedOnnxValue.CreateFromTensor("WindowShift", new DenseTensor<float>(shift.SelectMany(s => s).ToArray(), new[] { n, f })));
            inputs.Add(NamedOnnxValue.CreateFromTensor("WindowScale", new DenseTensor<float>(scale!.SelectMany(s => s).ToArray(), new[] { n, f })));
        }
        using var results = session.Run(inputs);
        return results.Single(r => r.Name == "Score").AsTensor<float>().ToArray();
    }

    private static float[][] RandomWindows(int n, int tf, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, tf).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToArray();
    }

    [Theory]
    [InlineData(1, new[] { 3 })]
    [InlineData(3, new[] { 5, 2, 4 })]
    public void GraphEqualsThePlainLstmEquations(int horizon, int[] hidden)
    {
        const int T = 4, F = 2;
        var net = LstmTestUtil.RandomWeights(7, T, F, horizon, hidden);
        var layout = new LstmScoringLayout("Window", "Label", null, null, null, 0);
        var windows = RandomWindows(50, T * F, 3);
        var onnx = RunOnnx(LstmOnnxExporter.Export(net, layout), windows);
        Assert.Equal(50 * horizon, onnx.Length);
        for (int i = 0; i < windows.Length; i++)
        {
            var expected = LstmTestUtil.Reference(net, windows[i]);
            for (int k = 0; k < horizon; k++)
                Assert.True(Math.Abs(expected[k] - onnx[i * horizon + k]) <= 1e-6, $"row {i} step {k}: {expected[k]} vs {onnx[i * horizon + k]}");
        }
    }

    [Fact]
    public void NormalisedGraphAppliesTheTargetsInverseMap()
    {
        const int T = 3, F = 2, H = 2;
        var net = LstmTestUtil.RandomWeights(11, T, F, H, 4);
        var layout = new LstmScoringLayout("Window", "Label", "MinMax", "WindowShift", "WindowScale", 1);
        var windows = RandomWindows(10, T * F, 5);
        var shift = Enumerable.Range(0, 10).Select(i => new[] { 100f + i, 2000f - i }).ToArray();
        var scale = Enumerable.Range(0, 10).Select(i => new[] { 3f, 10f + i }).ToArray();
        var onnx = RunOnnx(LstmOnnxExporter.Export(net, layout), windows, shift, scale);
        for (int i = 0; i < 10; i++)
        {
            var p = LstmTestUtil.Reference(net, windows[i]);
            for (int k = 0; k < H; k++)
                Assert.Equal(p[k] * scale[i][1] + shift[i][1], onnx[i * H + k], 3);
        }
    }

    [Fact]
    public void MetadataDescribesTheModel()
    {
        var net = LstmTestUtil.RandomWeights(1, 5, 2, 3, 4, 6);
        var bytes = LstmOnnxExporter.Export(net, new LstmScoringLayout("W", "Y", null, null, null, 0));
        using var session = new InferenceSession(bytes);
        var meta = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("LstmForecaster", meta["mlnet_lstm.format"]);
        Assert.Equal("2", meta["mlnet_lstm.version"]); // 2: the non-finite check (issue 13); a plain LSTM stays 2, GRU, future covariates or ensembles write 3
        Assert.Equal("5", meta["mlnet_lstm.window_size"]);
        Assert.Equal("2", meta["mlnet_lstm.feature_count"]);
        Assert.Equal("3", meta["mlnet_lstm.horizon"]);
        Assert.Equal("4,6", meta["mlnet_lstm.hidden_sizes"]);
        Assert.Equal("None", meta["mlnet_lstm.normalization"]);
        Assert.Equal("W", session.InputMetadata.Keys.Single());
    }

    [Fact]
    public void TransformerScoresThroughOnnxTransformer()
    {
        var ml = new MLContext(1);
        var net = LstmTestUtil.RandomWeights(2, 4, 2, 1, 3);
        var windows = RandomWindows(20, 8, 9);
        var data = LstmTestUtil.Windows(ml, windows, windows.Select(_ => new[] { 0f }).ToArray(), 4, 2);
        var layout = new LstmScoringLayout("Window", "Label", null, null, null, 0);
        using var model = new LstmForecastingTransformer(LstmOnnxExporter.Export(net, layout), net, layout,
            Array.Empty<LstmEpochResult>(), 0, new LstmTrainingSettings { Dropout = 0 }, data);
        var scores = LstmTestUtil.Scores(ml, model.Transform(data), 1);
        for (int i = 0; i < 20; i++)
            Assert.True(Math.Abs(LstmTestUtil.Reference(net, windows[i])[0] - scores[i][0]) <= 1e-6);
        Assert.Equal(4L * 3 * (2 + 3) + 8 * 3 + 3 + 1, model.Summary.ParameterCount);
        Assert.Contains("Total params", model.Summary.ToString());
    }
}
