using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Tests.Windows;
using MLNet.Lstm.Training;
using TorchSharp;

namespace MLNet.Lstm.Tests.Intervals;

/// <summary>
/// Issue 9 with the cells, future covariates and seed ensembles of main: each member carries its own quantile head,
/// the graph averages the members' non-crossing quantiles, and conformal widths are calibrated on that average.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class IntervalEnsembleTests
{
    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void OnnxEnsembleOfQuantileHeadsWithFutureEqualsTheTorchMembersAverage(RecurrentCell cell)
    {
        const int T = 5, F = 2, H = 3, C = 2, N = 30;
        var levels = LstmIntervalHead.LevelsOf(new[] { 0.1f, 0.9f })!;
        float[] widths = { 0.05f, -0.02f, 0.3f };
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(21);
        using var a = new LstmNetwork(F, new[] { 6, 4 }, 0f, H, cell, H * C, levels);
        using var b = new LstmNetwork(F, new[] { 6, 4 }, 0f, H, cell, H * C, levels);
        var interval = a.Interval with { ConformalLevel = 0.9f, ConformalWidths = widths };
        var weights = LstmNetworkWeights.Ensemble(new[] { a.GetWeights(T), b.GetWeights(T) }).With(interval);
        Assert.Equal(2, weights.EnsembleSize);
        Assert.All(weights.Members, m => Assert.Equal(widths, m.Interval.ConformalWidths));
        Assert.Equal(cell, weights.Cell);
        Assert.Equal(H * C, weights.FutureSize);

        var rng = new Random(5);
        var x = Enumerable.Range(0, N * T * F).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var fut = Enumerable.Range(0, N * H * C).Select(_ => (float)rng.Next(2)).ToArray();
        var xt = torch.tensor(x).view(N, T, F);
        var ft = torch.tensor(fut).view(N, H * C);
        var pa = a.ForwardForEvaluation(xt, ft).data<float>().ToArray();
        var pb = b.ForwardForEvaluation(xt, ft).data<float>().ToArray();

        var layout = new LstmScoringLayout("Window", "Label", null, null, null, 0, FutureColumnName: "Future", FutureSize: H * C);
        using var session = new InferenceSession(LstmOnnxExporter.Export(weights, layout));
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("3", metadata["mlnet_lstm.version"]);
        Assert.Equal("2", metadata["mlnet_lstm.ensemble_size"]);
        Assert.Equal(cell.ToString(), metadata["mlnet_lstm.cell"]);
        Assert.Equal("0.1,0.5,0.9", metadata["mlnet_lstm.quantile_levels"]);
        Assert.Equal("0.9", metadata["mlnet_lstm.conformal_level"]);
        using var results = session.Run(new[]
        {
            NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(x, new[] { N, T * F })),
            NamedOnnxValue.CreateFromTensor("Future", new DenseTensor<float>(fut, new[] { N, H * C })),
        });
        float[] Out(string name) => results.Single(r => r.Name == name).AsTensor<float>().ToArray();
        var (quantiles, score, lower, upper) = (Out("Quantiles"), Out("Score"), Out("LowerBound"), Out("UpperBound"));
        for (int i = 0; i < N * H; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                float expected = (pa[i * 3 + j] + pb[i * 3 + j]) / 2;
                Assert.True(Math.Abs(expected - quantiles[i * 3 + j]) <= 1e-5, $"value {i},{j}: torch average {expected} vs ONNX {quantiles[i * 3 + j]}");
            }
            Assert.True(quantiles[i * 3] < quantiles[i * 3 + 1] && quantiles[i * 3 + 1] < quantiles[i * 3 + 2], $"row {i}: the averaged quantiles cross");
            float w = widths[i % H];
            Assert.Equal(quantiles[i * 3 + 1], score[i]);
            Assert.Equal(Math.Min(quantiles[i * 3] - w, score[i]), lower[i], 6);
            Assert.Equal(Math.Max(quantiles[i * 3 + 2] + w, score[i]), upper[i], 6);
        }
    }

    [Fact]
    public void EnsembleWidthsAreCalibratedOnTheMembersAverage()
    {
        // Two members that err in opposite directions: their average is exact on the first step, so the widths of
        // the average are far smaller than either member's.
        const int n = 40, h = 2;
        var labels = Enumerable.Range(0, n * h).Select(i => (float)Math.Sin(i)).ToArray();
        var up = labels.Select((v, i) => v + 1 + (i % h) * 0.1f * (i % 7)).ToArray();
        var down = labels.Select((v, i) => v - 1).ToArray();
        var members = new ConformalCalibration.Predictions?[] { new(up, labels, n), new(down, labels, n) };
        var options = new LstmForecastingTrainer.Options { ConformalLevel = 0.8f };
        var single = new LstmNetworkWeights(3, 1, h, new[] { new LstmLayerWeights(1, 1, new float[4], new float[4], new float[4], new float[4]) },
            new float[h], new float[h]);
        var weights = ConformalCalibration.Calibrate(single, members, options, log: null);

        var mean = up.Zip(down, (u, d) => (u + d) / 2).ToArray();
        var expected = ConformalQuantile.Widths(mean, labels, n, h, 1, 0.8);
        Assert.Equal(expected, weights.Interval.ConformalWidths);
        Assert.Equal(0f, weights.Interval.ConformalWidths![0], 5); // step 1: the average is exact
        Assert.True(weights.Interval.ConformalWidths[1] < ConformalQuantile.Widths(down, labels, n, h, 1, 0.8)[1],
            "the average's width should be below a single member's");
        Assert.Equal(0.8f, weights.Interval.ConformalLevel);
    }

    [Fact]
    public void EnsembleQuantileConformalModelIsOrderedAndReloadsWithIdenticalBands()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 160)
            .Select(i => new SeriesRow { X = (float)(100 + 10 * Math.Sin(i / 5.0) + 0.2 * i + (i * 7919 % 13) * 0.3) }).ToArray());
        var pipeline = ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: 8, horizon: 2)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.MinMax))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 4 },
                Epochs = 2,
                BatchSize = 16,
                Seed = 3,
                EnsembleSize = 2,
                Quantiles = new[] { 0.1f, 0.9f },
                ConformalLevel = 0.9f,
                CalibrationFraction = 0.25f,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        var model = pipeline.Fit(data);
        var lstm = model.LastTransformer;
        Assert.Equal(2, lstm.Weights.EnsembleSize);
        Assert.Equal(0.9, lstm.IntervalLevel);
        Assert.Equal(new[] { 0.1f, 0.5f, 0.9f }, lstm.QuantileLevels);
        Assert.Equal(2, lstm.ConformalWidths!.Count);
        Assert.All(lstm.Weights.Members, m => Assert.Equal(lstm.ConformalWidths, m.Interval.ConformalWidths));

        var scored = model.Transform(data);
        var score = WindowTestUtil.Vectors(scored, "Score").ToArray();
        var lower = WindowTestUtil.Vectors(scored, "LowerBound").ToArray();
        var upper = WindowTestUtil.Vectors(scored, "UpperBound").ToArray();
        Assert.NotEmpty(score);
        for (int i = 0; i < score.Length; i++)
            for (int k = 0; k < 2; k++)
                Assert.True(float.IsFinite(score[i][k]) && lower[i][k] <= score[i][k] && score[i][k] <= upper[i][k],
                    $"row {i} step {k}: {lower[i][k]} ≤ {score[i][k]} ≤ {upper[i][k]} does not hold");

        var path = Path.Combine(Path.GetTempPath(), $"interval-ensemble-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var reloaded = new MLContext().Forecasting.LoadModel(path);
            var again = reloaded.Transform(data);
            Assert.Equal(upper, WindowTestUtil.Vectors(again, "UpperBound").ToArray());
            Assert.Equal(lower, WindowTestUtil.Vectors(again, "LowerBound").ToArray());
            Assert.Equal(score, WindowTestUtil.Vectors(again, "Score").ToArray());
            (reloaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
        (model as IDisposable)?.Dispose();
    }

    private sealed class SeriesRow
    {
        public float X { get; set; }
    }
}
