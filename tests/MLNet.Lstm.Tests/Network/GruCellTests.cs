using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Tests.Trainer;
using MLNet.Lstm.Training;
using Onnx;
using static TorchSharp.torch;

namespace MLNet.Lstm.Tests.Network;

/// <summary>Issue 10 §4: the GRU cell in training, in the ONNX graph (operator GRU), in the summary and across save/reload.</summary>
public class GruCellTests
{
    private static LstmForecastingTrainer.Options Gru(int epochs, params int[] hidden) => new()
    {
        Cell = RecurrentCell.Gru,
        HiddenSizes = hidden,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.01f,
        Dropout = 0f,
        Seed = 3,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
    };

    // Torch's nn.GRU (autograd-on evaluation forward, as the LSTM parity tests) against ONNX Runtime's GRU operator
    // on the exported graph: gate order r, z, n → z, r, h and linear_before_reset = 1 must both be right.
    [Theory]
    [InlineData(1, new[] { 5 })]
    [InlineData(3, new[] { 6, 4, 3 })]
    public void OnnxGruEqualsTorchForwardInEvalMode(int horizon, int[] hidden)
    {
        const int T = 6, F = 2, N = 1000;
        TorchNativeLoader.EnsureLoaded();
        using var gate = TorchRandomLock.Enter();
        manual_seed(5);
        using var net = new LstmNetwork(F, hidden, 0f, horizon, RecurrentCell.Gru);
        var rng = new Random(4);
        var x = Enumerable.Range(0, N * T * F).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] expected;
        using (var scope = NewDisposeScope())
            expected = net.ForwardForEvaluation(from_array(x).view(N, T, F)).data<float>().ToArray();
        var weights = net.GetWeights(T);
        Assert.Equal(RecurrentCell.Gru, weights.Cell);
        var bytes = LstmOnnxExporter.Export(weights, new LstmScoringLayout("Window", "Label", null, null, null, 0));
        using var session = new InferenceSession(bytes);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(x, new[] { N, T * F })) });
        var actual = results.Single().AsTensor<float>().ToArray();
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(maxDiff <= 1e-5 * scale, $"max abs diff {maxDiff}, output scale {scale}");
        // A wrong gate order or linear_before_reset = 0 moves outputs by far more than the tolerance: check the test can fail.
        var swapped = LstmOnnxExporter.Export(SwapFirstTwoGates(weights), new LstmScoringLayout("Window", "Label", null, null, null, 0));
        using var wrong = new InferenceSession(swapped);
        using var wrongResults = wrong.Run(new[] { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(x, new[] { N, T * F })) });
        double wrongDiff = expected.Zip(wrongResults.Single().AsTensor<float>().ToArray(), (e, a) => Math.Abs(e - a)).Max();
        Assert.True(wrongDiff > 100 * 1e-5 * scale, $"swapping r and z changed the outputs by only {wrongDiff}");
    }

    private static LstmNetworkWeights SwapFirstTwoGates(LstmNetworkWeights w)
    {
        static float[] Swap(float[] a, int block)
        {
            var r = (float[])a.Clone();
            Array.Copy(a, 0, r, block, block);
            Array.Copy(a, block, r, 0, block);
            return r;
        }
        var layers = w.Layers.Select(l => l with
        {
            WeightIh = Swap(l.WeightIh, l.HiddenSize * l.InputSize),
            WeightHh = Swap(l.WeightHh, l.HiddenSize * l.HiddenSize),
            BiasIh = Swap(l.BiasIh, l.HiddenSize),
            BiasHh = Swap(l.BiasHh, l.HiddenSize),
        }).ToList();
        return new LstmNetworkWeights(w.WindowSize, w.FeatureCount, w.Horizon, layers, w.HeadWeight, w.HeadBias, w.Cell, w.FutureSize);
    }

    [Fact]
    public void GraphUsesTheOnnxGruOperatorWithLinearBeforeReset()
    {
        TorchNativeLoader.EnsureLoaded();
        using var gate = TorchRandomLock.Enter();
        using var net = new LstmNetwork(2, new[] { 4, 3 }, 0f, 2, RecurrentCell.Gru);
        var bytes = LstmOnnxExporter.Export(net.GetWeights(5), new LstmScoringLayout("Window", "Label", null, null, null, 0));
        var model = ModelProto.Parser.ParseFrom(bytes);
        // The recurrent layers are the else_branch of the If on an empty batch; their weights main-graph initializers.
        var layers = model.Graph.Node.Single(n => n.OpType == "If").Attribute.Single(a => a.Name == "else_branch").G.Node;
        var gru = layers.Where(n => n.OpType == "GRU").ToList();
        Assert.Equal(2, gru.Count);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "LSTM" or "GRU");
        Assert.DoesNotContain(layers, n => n.OpType == "LSTM");
        Assert.All(gru, n => Assert.Equal(1, n.Attribute.Single(a => a.Name == "linear_before_reset").I));
        Assert.Equal(new long[] { 1, 12, 2 }, model.Graph.Initializer.Single(t => t.Name == "gru0_W").Dims);
        Assert.Equal(new long[] { 1, 24 }, model.Graph.Initializer.Single(t => t.Name == "gru0_B").Dims); // W_b ‖ R_b, 3 gates of 4
        Assert.Equal("Gru", model.MetadataProps.Single(p => p.Key == "mlnet_lstm.cell").Value);
        Assert.Equal("3", model.MetadataProps.Single(p => p.Key == "mlnet_lstm.version").Value); // readers before GRU cannot read it
    }

    [Fact]
    public void SummaryCountsThreeGateBlocksAsTorchDoes()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 48, 5, 2, 3, seed: 2);
        using var model = ml.Forecasting.Lstm(Gru(1, 4, 3)).Fit(data);
        // GRU: 3·(H·(F + H) + 2H) per layer; head (H_last + 1)·h.
        long expected = 3 * (4 * (2 + 4) + 2 * 4) + 3 * (3 * (4 + 3) + 2 * 3) + (3 + 1) * 3;
        Assert.Equal(96 + 81 + 12, expected);
        Assert.Equal(expected, model.Summary.ParameterCount);
        Assert.Equal(new[] { "gru_1", "gru_2", "dense" }, model.Summary.Layers.Select(l => l.Name));
        Assert.Equal("GRU", model.Summary.Layers[0].Kind);
        Assert.Equal(RecurrentCell.Gru, model.Settings.Cell);
        TorchNativeLoader.EnsureLoaded();
        using var gate = TorchRandomLock.Enter();
        using var net = new LstmNetwork(2, new[] { 4, 3 }, 0f, 3, RecurrentCell.Gru);
        Assert.Equal(expected, net.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void GruModelSavesAndReloadsWithIdenticalScores()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 64, 5, 2, 2, seed: 4);
        using var model = ml.Forecasting.Lstm(Gru(2, 5, 3)).Fit(data);
        var expected = LstmTestUtil.Scores(ml, model.Transform(data), 2);
        var path = Path.Combine(Path.GetTempPath(), $"gru-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var stock = new MLContext().Model.Load(path, out _);
            AssertBitwise(expected, LstmTestUtil.Scores(ml, stock.Transform(data), 2));
            var ours = new MLContext().Forecasting.LoadModel(path);
            AssertBitwise(expected, LstmTestUtil.Scores(ml, ours.Transform(data), 2));
            var loaded = Assert.IsType<LstmForecastingTransformer>(ours is TransformerChain<ITransformer> c ? c.Single() : ours);
            Assert.Equal(RecurrentCell.Gru, loaded.Weights.Cell);
            Assert.Equal(RecurrentCell.Gru, loaded.Settings.Cell);
            Assert.Equal(model.Summary.ParameterCount, loaded.Summary.ParameterCount);
            for (int l = 0; l < 2; l++)
            {
                Assert.Equal(model.Weights.Layers[l].WeightIh, loaded.Weights.Layers[l].WeightIh);
                Assert.Equal(model.Weights.Layers[l].WeightHh, loaded.Weights.Layers[l].WeightHh);
                Assert.Equal(model.Weights.Layers[l].BiasIh, loaded.Weights.Layers[l].BiasIh);
                Assert.Equal(model.Weights.Layers[l].BiasHh, loaded.Weights.Layers[l].BiasHh);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void GruCheckpointResumesAndAnLstmCheckpointIsRefused()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 96, 5, 2, 1, seed: 13);
        var dir = Path.Combine(Path.GetTempPath(), $"gru-resume-{Guid.NewGuid():N}");
        try
        {
            using var straight = ml.Forecasting.Lstm(Gru(4, 6)).Fit(data);
            var first = Gru(2, 6);
            first.CheckpointDirectory = dir;
            using (ml.Forecasting.Lstm(first).Fit(data)) { }
            var second = Gru(4, 6);
            second.ResumeFromCheckpoint = dir;
            using var resumed = ml.Forecasting.Lstm(second).Fit(data);
            Assert.Equal(new[] { 3, 4 }, resumed.History.Select(h => h.Epoch));
            Assert.Equal(straight.GetOnnxModel(), resumed.GetOnnxModel());

            var asLstm = Gru(4, 6);
            asLstm.Cell = RecurrentCell.Lstm;
            asLstm.ResumeFromCheckpoint = dir;
            var e = Assert.ThrowsAny<Exception>(() => ml.Forecasting.Lstm(asLstm).Fit(data));
            Assert.Contains("T5-F2-h1-H6-Gru", e.Message);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AnLstmInitialModelDoesNotWarmStartAGru()
    {
        var ml = new MLContext(1);
        var data = LstmTestUtil.RandomData(ml, 48, 5, 2, 1, seed: 2);
        var lstm = Gru(1, 4);
        lstm.Cell = RecurrentCell.Lstm;
        using var first = ml.Forecasting.Lstm(lstm).Fit(data);
        var gru = Gru(1, 4);
        gru.InitialModel = first;
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.Lstm(gru).Fit(data));
        Assert.Contains("(Lstm, features 2", e.Message);
        Assert.Contains("(Gru, features 2", e.Message);
    }

    internal static void AssertBitwise(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i].Select(BitConverter.SingleToInt32Bits), actual[i].Select(BitConverter.SingleToInt32Bits));
    }
}
