using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Training;
using static MLNet.Lstm.Tests.Onnx.SavedModelTestUtil;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary><c>Options.EnsembleSize</c>: k seeded member networks averaged inside one ONNX graph.</summary>
public class LstmEnsembleTests
{
    private static TransformerChain<ITransformer> Fit(MLContext ml, IDataView series, int seed, int ensembleSize,
        LstmLoss loss = LstmLoss.Mse, int epochs = 3, LstmMemberPlan[]? plans = null)
    {
        var chain = ml.Transforms.SlidingWindow("Window", Columns, T, horizon: 2)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 5 },
                Dropout = 0,
                Epochs = epochs,
                Loss = loss,
                BatchSize = 8,
                LearningRate = 0.01f,
                ValidationFraction = 0.2f,
                EnsembleSize = ensembleSize,
                MemberPlans = plans,
                Seed = seed,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        var fitted = chain.Fit(series);
        return new TransformerChain<ITransformer>(fitted.ToArray());
    }

    private static LstmForecastingTransformer Lstm(TransformerChain<ITransformer> chain) => (LstmForecastingTransformer)chain.Last();

    private static void AssertSameWeights(LstmNetworkWeights expected, LstmNetworkWeights actual)
    {
        Assert.Equal(expected.HeadWeight, actual.HeadWeight);
        Assert.Equal(expected.HeadBias, actual.HeadBias);
        for (int l = 0; l < expected.Layers.Count; l++)
        {
            Assert.Equal(expected.Layers[l].WeightIh, actual.Layers[l].WeightIh);
            Assert.Equal(expected.Layers[l].WeightHh, actual.Layers[l].WeightHh);
            Assert.Equal(expected.Layers[l].BiasIh, actual.Layers[l].BiasIh);
            Assert.Equal(expected.Layers[l].BiasHh, actual.Layers[l].BiasHh);
        }
    }

    [Fact]
    public void EnsembleHoldsTheSingleFitsOfTheMemberSeedsAndScoresTheirMean()
    {
        var ml = new MLContext(1);
        var series = Series(ml, rows: 80);
        using var ensemble = Fit(ml, series, seed: 11, ensembleSize: 3);
        var weights = Lstm(ensemble).Weights;
        Assert.Equal(3, weights.EnsembleSize);
        Assert.Equal(3, Lstm(ensemble).Settings.EnsembleSize);
        var graph = global::Onnx.ModelProto.Parser.ParseFrom(Lstm(ensemble).GetOnnxModel());
        Assert.Equal("3", graph.MetadataProps.Single(p => p.Key == "mlnet_lstm.version").Value);
        Assert.Equal("3", graph.MetadataProps.Single(p => p.Key == "mlnet_lstm.ensemble_size").Value);
        Assert.Single(graph.Graph.Node, n => n.OpType == "Mean");
        Assert.Contains(graph.Graph.Initializer, t => t.Name == "m2_head_W");

        var singles = Enumerable.Range(0, 3).Select(i => Fit(ml, series, LstmEnsemble.MemberSeed(11, i), 1)).ToArray();
        Assert.Equal(11, LstmEnsemble.MemberSeed(11, 0)); // member 0 is the single network of the fit's seed
        for (int i = 0; i < 3; i++)
            AssertSameWeights(Lstm(singles[i]).Weights, weights.Members[i]);

        var scores = Scores(ensemble.Transform(series));
        var memberScores = singles.Select(s => Scores(s.Transform(series))).ToArray();
        Assert.Equal(80 - T - 1, scores.Length);
        for (int r = 0; r < scores.Length; r++)
        {
            Assert.Equal(2, scores[r].Length);
            for (int k = 0; k < 2; k++)
            {
                float mean = memberScores.Average(m => m[r][k]);
                Assert.InRange(scores[r][k], mean - 1e-4f * Math.Abs(mean) - 1e-5f, mean + 1e-4f * Math.Abs(mean) + 1e-5f);
            }
        }
        // The members differ (else the test would not show averaging).
        Assert.NotEqual(memberScores[0][0][0], memberScores[1][0][0]);
        foreach (var s in singles)
            s.Dispose();
    }

    [Fact]
    public void ALossEnsembleTrainsEachMemberWithItsPlansLossAndEpochs()
    {
        var ml = new MLContext(1);
        var series = Series(ml, rows: 80);
        var plans = new[] { new LstmMemberPlan(LstmLoss.Mae, 2), new LstmMemberPlan(LstmLoss.Mse, 4) };
        using var ensemble = Fit(ml, series, seed: 5, ensembleSize: 3, plans: plans);
        var settings = Lstm(ensemble).Settings;
        Assert.Equal(new[] { LstmLoss.Mae, LstmLoss.Mse, LstmLoss.Mae }, settings.MemberLosses);

        // Member i is the single fit of plan i mod 2 with the member's seed.
        var singles = new[]
        {
            Fit(ml, series, LstmEnsemble.MemberSeed(5, 0), 1, LstmLoss.Mae, 2),
            Fit(ml, series, LstmEnsemble.MemberSeed(5, 1), 1, LstmLoss.Mse, 4),
            Fit(ml, series, LstmEnsemble.MemberSeed(5, 2), 1, LstmLoss.Mae, 2),
        };
        for (int i = 0; i < 3; i++)
            AssertSameWeights(Lstm(singles[i]).Weights, Lstm(ensemble).Weights.Members[i]);
        Assert.Equal(2, Lstm(singles[0]).Settings.Epochs);
        Assert.Null(Lstm(singles[0]).Settings.MemberLosses);
        foreach (var s in singles)
            s.Dispose();
    }

    [Fact]
    public void EnsembleSavesStockLoadsAndLoadsWithItsMembers()
    {
        var ml = new MLContext(1);
        var series = Series(ml, rows: 80);
        using var ensemble = Fit(ml, series, seed: 3, ensembleSize: 2);
        var path = TempZip("ensemble");
        try
        {
            ml.Model.Save(ensemble, series.Schema, path);
            var windows = ml.Transforms.SlidingWindow("Window", Columns, T, horizon: 2).Fit(series).Transform(series);
            var expected = Scores(ensemble.Transform(windows));
            using var stock = (TransformerChain<ITransformer>)new MLContext().Model.Load(path, out _);
            AssertBitwise(expected, Scores(stock.Transform(windows)));
            using var ours = (TransformerChain<ITransformer>)new MLContext().Forecasting.LoadModel(path);
            AssertBitwise(expected, Scores(ours.Transform(windows)));
            var loaded = Lstm(ours).Weights;
            Assert.Equal(2, loaded.EnsembleSize);
            Assert.Equal(2, Lstm(ours).Settings.EnsembleSize);
            for (int i = 0; i < 2; i++)
                AssertSameWeights(Lstm(ensemble).Weights.Members[i], loaded.Members[i]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ExportOnnxOfAnEnsembleChainScoresRawWindowsLikeTheFittedChain()
    {
        var ml = new MLContext(1);
        var series = Series(ml, rows: 80);
        using var ensemble = Fit(ml, series, seed: 4, ensembleSize: 3);
        using var file = new MemoryStream();
        ml.Forecasting.ExportOnnx(ensemble, file);
        var windows = MLNet.Lstm.Tests.Windows.WindowTestUtil.Vectors(
            ml.Transforms.SlidingWindow("Window", Columns, T, horizon: 2).Fit(series).Transform(series), "Window").ToList();
        var expected = Scores(ensemble.Transform(series));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(file.ToArray());
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(windows.SelectMany(w => w).ToArray(), new[] { windows.Count, T * F });
        using var results = session.Run(new[] { Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("Window", input) });
        var actual = results.Single(r => r.Name == "Score").AsTensor<float>().ToArray();
        Assert.Equal(expected.Length * 2, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            for (int k = 0; k < 2; k++)
                Assert.Equal(expected[i][k], actual[i * 2 + k], 1e-3f); // ZScore sums in another order in ONNX Runtime
    }

    [Fact]
    public void SingleNetworkGraphHasNoEnsembleEntries()
    {
        var ml = new MLContext(1);
        using var single = Fit(ml, Series(ml, rows: 40), seed: 3, ensembleSize: 1);
        var graph = global::Onnx.ModelProto.Parser.ParseFrom(Lstm(single).GetOnnxModel());
        Assert.DoesNotContain(graph.MetadataProps, p => p.Key == "mlnet_lstm.ensemble_size");
        Assert.Equal("2", graph.MetadataProps.Single(p => p.Key == "mlnet_lstm.version").Value); // unchanged from before ensembles
        Assert.Contains(graph.Graph.Initializer, t => t.Name == "lstm0_W");
        Assert.DoesNotContain(graph.Graph.Node, n => n.OpType == "Mean");
        Assert.Equal(1, Lstm(single).Weights.EnsembleSize);
    }

    [Fact]
    public void EnsembleOptionsAreChecked()
    {
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => new LstmForecastingTrainer(new LstmForecastingTrainer.Options { EnsembleSize = 0 }));
        Assert.Contains("EnsembleSize must be 1 (one network) or more, but is 0", zero.Message);
        var withCheckpoints = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new LstmForecastingTrainer(new LstmForecastingTrainer.Options { EnsembleSize = 2, CheckpointDirectory = Path.GetTempPath() }));
        Assert.Contains("CheckpointDirectory, ResumeFromCheckpoint and InitialModel", withCheckpoints.Message);
    }
}
