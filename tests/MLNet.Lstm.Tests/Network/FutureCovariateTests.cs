using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Tests.Trainer;
using MLNet.Lstm.Training;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;
using static TorchSharp.torch;

namespace MLNet.Lstm.Tests.Network;

/// <summary>Issue 10 §2: known-future covariates concatenated with the last hidden state before the head.</summary>
public class FutureCovariateTests
{
    private static LstmForecastingTrainer.Options Small(int epochs, RecurrentCell cell = RecurrentCell.Lstm, string? future = null) => new()
    {
        Cell = cell,
        HiddenSizes = new[] { 8 },
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.01f,
        Dropout = 0f,
        Seed = 3,
        FutureColumnName = future,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
    };

    /// <summary>One row per time step: the target Y and a known-in-advance flag Promo (e.g. a holiday or a promotion).</summary>
    internal sealed class PromoStep
    {
        public float Y { get; set; }
        public float Promo { get; set; }
    }

    /// <summary>Y_t = 2·Promo_t + 0.05·noise with Promo a random 0/1 flag: the past of Y says nothing about its future.</summary>
    internal static PromoStep[] PromoSeries(int rows, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            float promo = rng.NextDouble() < 0.3 ? 1f : 0f;
            return new PromoStep { Promo = promo, Y = 2f * promo + 0.05f * (float)(rng.NextDouble() * 2 - 1) };
        }).ToArray();
    }

    private static SlidingWindowEstimator.Options Windows(bool withFuture) => new()
    {
        InputColumnNames = new[] { "Y" },
        WindowSize = 6,
        Horizon = 2,
        FutureCovariateColumnNames = withFuture ? new[] { "Promo" } : null,
    };

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void OnnxWithFutureInputEqualsTorchForward(RecurrentCell cell)
    {
        const int T = 5, F = 2, N = 500, H = 3, C = 2;
        TorchNativeLoader.EnsureLoaded();
        using var gate = TorchRandomLock.Enter();
        manual_seed(8);
        using var net = new LstmNetwork(F, new[] { 6, 4 }, 0f, H, cell, H * C);
        var rng = new Random(2);
        var x = Enumerable.Range(0, N * T * F).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var fut = Enumerable.Range(0, N * H * C).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] expected;
        using (var scope = NewDisposeScope())
            expected = net.ForwardForEvaluation(from_array(x).view(N, T, F), from_array(fut).view(N, H * C)).data<float>().ToArray();
        var layout = new LstmScoringLayout("Window", "Label", null, null, null, 0, FutureColumnName: "Future", FutureSize: H * C);
        using var session = new InferenceSession(LstmOnnxExporter.Export(net.GetWeights(T), layout));
        Assert.Equal(new[] { "Window", "Future" }, session.InputMetadata.Keys);
        Assert.Equal(new[] { -1, H * C }, session.InputMetadata["Future"].Dimensions);
        using var results = session.Run(new[]
        {
            NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(x, new[] { N, T * F })),
            NamedOnnxValue.CreateFromTensor("Future", new DenseTensor<float>(fut, new[] { N, H * C })),
        });
        var actual = results.Single().AsTensor<float>().ToArray();
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        double maxDiff = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(maxDiff <= 1e-5 * scale, $"max abs diff {maxDiff}, output scale {scale}");
        // The future input matters: zeroing it changes the scores.
        using var zero = session.Run(new[]
        {
            NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(x, new[] { N, T * F })),
            NamedOnnxValue.CreateFromTensor("Future", new DenseTensor<float>(new float[N * H * C], new[] { N, H * C })),
        });
        Assert.True(expected.Zip(zero.Single().AsTensor<float>().ToArray(), (e, a) => Math.Abs(e - a)).Max() > 1e-3);
    }

    [Fact]
    public void SummaryCountsTheFutureValuesInTheHead()
    {
        var ml = new MLContext(1);
        var rows = ml.Data.LoadFromEnumerable(PromoSeries(80, 1));
        var windows = ml.Transforms.SlidingWindow(Windows(true)).Fit(rows).Transform(rows);
        using var model = ml.Forecasting.Lstm(Small(1)).Fit(windows);
        // LSTM 4·(8·(1 + 8) + 2·8) = 352; head (8 + 2·1)·2 + 2 = 22.
        Assert.Equal(352 + 22, model.Summary.ParameterCount);
        Assert.Equal(2, model.Summary.FutureSize);
        Assert.Equal("Future", model.Settings.FutureColumnName);
        Assert.Equal(new[] { "Window", "Future" }, model.InputColumnNames);
        Assert.Contains("future covariates [N, 2]", model.Summary.ToString());
    }

    // Acceptance (issue 10): a known-future covariate that carries the signal. Fixed seeds; the margin (RMSE at most
    // half of the model without the covariate) is a sanity margin, not a tuned accuracy threshold. Measured when
    // written: 0.028 with Promo as a future covariate against 0.96 without.
    [Fact]
    public void FutureCovariateBeatsTheModelWithoutItOnHeldOutData()
    {
        var ml = new MLContext(1);
        var series = PromoSeries(600, 7);
        var train = ml.Data.LoadFromEnumerable(series.Take(480).ToArray());
        var test = ml.Data.LoadFromEnumerable(series.Skip(480).ToArray());
        double Rmse(bool withFuture)
        {
            var pipeline = ml.Transforms.SlidingWindow(Windows(withFuture)).Append(ml.Forecasting.Lstm(Small(25)));
            using var model = pipeline.Fit(train);
            var scored = model.Transform(test);
            var scores = Vectors(scored, "Score");
            var labels = Vectors(scored, "Label");
            Assert.Equal(120 - 6 - 2 + 1, scores.Count);
            return Math.Sqrt(scores.Zip(labels, (s, l) => s.Zip(l, (a, b) => (double)(a - b) * (a - b)).Average()).Average());
        }
        double with = Rmse(true), without = Rmse(false);
        Assert.True(without > 0.5, $"without the covariate the flag cannot be predicted from the past: RMSE {without}");
        Assert.True(with <= 0.5 * without, $"RMSE with the future covariate {with}, without {without}");
    }

    [Fact]
    public void ChainWithFutureSavesAndReloadsWithIdenticalScores()
    {
        var ml = new MLContext(1);
        var rows = ml.Data.LoadFromEnumerable(PromoSeries(120, 3));
        using var model = ml.Transforms.SlidingWindow(Windows(true)).Append(ml.Forecasting.Lstm(Small(2, RecurrentCell.Gru))).Fit(rows);
        var expected = Vectors(model.Transform(rows), "Score");
        var path = Path.Combine(Path.GetTempPath(), $"future-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, rows.Schema, path);
            // Stock loading: the saved OnnxTransformer reads the window and the Future column.
            var stock = (TransformerChain<ITransformer>)new MLContext().Model.Load(path, out _);
            var windows = model.First().Transform(rows);
            GruCellTests.AssertBitwise(expected.ToArray(), Vectors(stock.Transform(windows), "Score").ToArray());
            var ours = (TransformerChain<ITransformer>)new MLContext().Forecasting.LoadModel(path);
            GruCellTests.AssertBitwise(expected.ToArray(), Vectors(ours.Transform(rows), "Score").ToArray());
            var lstm = ours.OfType<LstmForecastingTransformer>().Single();
            Assert.Equal(new[] { "Window", "Future" }, lstm.InputColumnNames);
            Assert.Equal(RecurrentCell.Gru, lstm.Weights.Cell);
            Assert.Equal(2, lstm.Weights.FutureSize);

            // The portable export takes the raw window and the Future column.
            using var stream = new MemoryStream();
            ml.Forecasting.ExportOnnx(ours, stream);
            using var session = new InferenceSession(stream.ToArray());
            Assert.Equal(new[] { "Window", "Future" }, session.InputMetadata.Keys);
            var w = Vectors(windows, "Window");
            var f = Vectors(windows, "Future");
            using var results = session.Run(new[]
            {
                NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(w.SelectMany(v => v).ToArray(), new[] { w.Count, 6 })),
                NamedOnnxValue.CreateFromTensor("Future", new DenseTensor<float>(f.SelectMany(v => v).ToArray(), new[] { f.Count, 2 })),
            });
            var exported = results.Single(r => r.Name == "Score").AsTensor<float>().ToArray();
            Assert.Equal(expected.SelectMany(v => v), exported);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SeriesForecasterUsesTheCallersKnownFutureAfterSaveAndReload()
    {
        var ml = new MLContext(1);
        var series = PromoSeries(400, 11);
        var data = ml.Data.LoadFromEnumerable(series);
        using var model = ml.Transforms.SlidingWindow(Windows(true)).Append(ml.Forecasting.Lstm(Small(20))).Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"future-forecast-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            using var before = SeriesForecaster.Create(model);
            using var after = SeriesForecaster.Load(path);
            // Promo for the 4 steps after the data: 1, 0, 0, 1 (h = 2, 4 steps: h·ceil(4 / h) = 4 values of C = 1).
            var known = new Dictionary<string, IReadOnlyList<float[]>> { [""] = new[] { new[] { 1f }, new[] { 0f }, new[] { 0f }, new[] { 1f } } };
            var expected = before.ForecastBySeries(data, 4, knownFuture: known)[""].Segments.Single().Values;
            var actual = after.ForecastBySeries(data, 4, knownFuture: known)[""].Segments.Single().Values;
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
            // The model learned Y = 2·Promo: the forecasts follow the caller's plan (sanity margin 0.5).
            Assert.All(expected.Zip(new[] { 2f, 0f, 0f, 2f }), p => Assert.InRange(p.First - p.Second, -0.5f, 0.5f));
            var e = Assert.ThrowsAny<ArgumentException>(() => after.ForecastBySeries(data, 4));
            Assert.Contains("Promo", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal sealed class FutureInput
    {
        [VectorType(6)] public float[] Window { get; set; } = Array.Empty<float>();
        [VectorType(2)] public float[] Future { get; set; } = Array.Empty<float>();
    }

    internal sealed class ScoreOutput
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void PredictionEnginesReadTheFutureColumnBeforeAndAfterStockReload()
    {
        var ml = new MLContext(1);
        var rows = ml.Data.LoadFromEnumerable(PromoSeries(400, 11));
        var window = ml.Transforms.SlidingWindow(Windows(true)).Fit(rows);
        var windows = window.Transform(rows);
        using var model = ml.Forecasting.Lstm(Small(20)).Fit(windows);
        var expected = Vectors(model.Transform(windows), "Score");
        var inputs = Vectors(windows, "Window").Zip(Vectors(windows, "Future"), (w, f) => new FutureInput { Window = w, Future = f }).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"future-engine-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, windows.Schema, path);
            var stock = new MLContext().Model.Load(path, out _);
            var ours = ml.Model.CreatePredictionEngine<FutureInput, ScoreOutput>(model);
            var theirs = ml.Model.CreatePredictionEngine<FutureInput, ScoreOutput>(stock);
            foreach (int i in new[] { 0, 7, inputs.Length - 1 })
            {
                Assert.Equal(expected[i], ours.Predict(inputs[i]).Score);
                Assert.Equal(expected[i], theirs.Predict(inputs[i]).Score);
            }
            // The future input changes the forecast: a promotion at both steps against none.
            var promo = ours.Predict(new FutureInput { Window = inputs[0].Window, Future = new[] { 1f, 1f } }).Score;
            var none = ours.Predict(new FutureInput { Window = inputs[0].Window, Future = new[] { 0f, 0f } }).Score;
            Assert.All(promo.Zip(none), p => Assert.True(p.First - p.Second > 1f, $"{p.First} vs {p.Second}"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal sealed class OwnFutureRow
    {
        [VectorType(4)] public float[] Window { get; set; } = Array.Empty<float>();
        [VectorType(2)] public float[] Label { get; set; } = Array.Empty<float>();
        [VectorType(6)] public float[] Plan { get; set; } = Array.Empty<float>();
        [VectorType(5)] public float[] Odd { get; set; } = Array.Empty<float>();
    }

    private static IDataView OwnRows(MLContext ml, float nanAt = -1) => ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new OwnFutureRow
    {
        Window = new float[] { i, i + 1, i + 2, i + 3 },
        Label = new float[] { i + 4, i + 5 },
        Plan = Enumerable.Range(0, 6).Select(k => i == (int)nanAt && k == 3 ? float.NaN : (float)k).ToArray(),
        Odd = new float[5],
    }).ToArray());

    [Fact]
    public void TheTrainerReadsAFutureColumnByNameAndDerivesC()
    {
        var ml = new MLContext(1);
        var o = Small(1, future: "Plan");
        o.WindowSize = 4;
        using var model = ml.Forecasting.Lstm(o).Fit(OwnRows(ml));
        Assert.Equal(6, model.Weights.FutureSize); // h = 2, C = 6 / 2 = 3
        Assert.Equal(new[] { "Window", "Plan" }, model.InputColumnNames);
        Assert.Equal(40, Vectors(model.Transform(OwnRows(ml)), "Score").Count(s => s.All(float.IsFinite)));
    }

    [Fact]
    public void AFutureModelResumesFromItsCheckpointAndAnotherArchitectureIsRefused()
    {
        var ml = new MLContext(1);
        var dir = Path.Combine(Path.GetTempPath(), $"future-resume-{Guid.NewGuid():N}");
        LstmForecastingTrainer.Options Options(int epochs)
        {
            var o = Small(epochs, future: "Plan");
            o.WindowSize = 4;
            return o;
        }
        try
        {
            using var straight = ml.Forecasting.Lstm(Options(4)).Fit(OwnRows(ml));
            var first = Options(2);
            first.CheckpointDirectory = dir;
            using (ml.Forecasting.Lstm(first).Fit(OwnRows(ml))) { }
            var second = Options(4);
            second.ResumeFromCheckpoint = dir;
            using var resumed = ml.Forecasting.Lstm(second).Fit(OwnRows(ml));
            Assert.Equal(straight.GetOnnxModel(), resumed.GetOnnxModel());

            var withoutFuture = Options(4);
            withoutFuture.FutureColumnName = null;
            withoutFuture.ResumeFromCheckpoint = dir;
            var e = Assert.ThrowsAny<Exception>(() => ml.Forecasting.Lstm(withoutFuture).Fit(OwnRows(ml)));
            Assert.Contains("T4-F1-h2-H8-Fut6", e.Message);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AFutureColumnNotMadeOfHorizonStepsIsRefused()
    {
        var ml = new MLContext(1);
        var o = Small(1, future: "Odd");
        o.WindowSize = 4;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.Lstm(o).Fit(OwnRows(ml)));
        Assert.Contains("'Odd' has 5 values, not a multiple of the horizon 2", e.Message);
        o.FutureColumnName = "Missing";
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.Lstm(o).Fit(OwnRows(ml)));
        Assert.Contains("'Missing' is not in the data", e.Message);
    }

    [Fact]
    public void AMissingFutureValueInALabelledWindowIsRefused()
    {
        var ml = new MLContext(1);
        var o = Small(1, future: "Plan");
        o.WindowSize = 4;
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.Lstm(o).Fit(OwnRows(ml, nanAt: 17)));
        Assert.Contains("'Plan' holds NaN at position 3 of row 17", e.Message);
    }

    [Fact]
    public void ANonFiniteFutureValueGivesANaNScore()
    {
        var ml = new MLContext(1);
        var o = Small(1, future: "Plan");
        o.WindowSize = 4;
        using var model = ml.Forecasting.Lstm(o).Fit(OwnRows(ml));
        var scores = Vectors(model.Transform(OwnRows(ml, nanAt: 5)), "Score");
        Assert.All(scores[5], v => Assert.True(float.IsNaN(v)));
        Assert.All(scores.Where((_, i) => i != 5).SelectMany(s => s), v => Assert.True(float.IsFinite(v)));
    }
}
