using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary>
/// Issue 4's acceptance test: SlidingWindow → NormalizeWindows → Lstm on eustockmarkets, saved with
/// <c>Model.Save</c> and reloaded with stock <c>Model.Load</c> in a fresh MLContext.
/// </summary>
public class LstmEuStockAcceptanceTests
{
    private const int T = 20, F = 2;
    private static readonly string[] Columns = { "DAX", "SMI" };

    public sealed class WindowInput
    {
        [VectorType(T * F)]
        public float[] Window { get; set; } = new float[T * F];
    }

    public sealed class Prediction
    {
        [VectorType(1)]
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void EuStockChainSavesReloadsAndScoresIdenticallyInPriceUnits()
    {
        var ml = new MLContext(seed: 1);
        var raw = LoadEuStock(ml);
        var pipeline = ml.Transforms.SlidingWindow("Window", Columns, windowSize: T, targetColumnName: "DAX")
            .Append(ml.Transforms.NormalizeWindows("Window"))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 8 },
                Epochs = 2,
                BatchSize = 32,
                LearningRate = 0.01f,
                Dropout = 0f,
                Seed = 1,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        var model = pipeline.Fit(raw);
        var lstm = model.LastTransformer;
        Assert.Equal(2, lstm.History.Count);

        var scored = model.Transform(raw);
        var scores = Vectors(scored, "Score");
        var labels = Scalars<float>(scored, "Label");
        Assert.Equal(1860 - T, scores.Count);
        Assert.All(scores, s => Assert.Single(s));

        // Price units: close to the DAX level, not a ratio near 0 (the graph de-normalises).
        double meanLabel = labels.Average(l => (double)l);
        double meanAbsError = scores.Select((s, i) => Math.Abs(s[0] - (double)labels[i])).Average();
        Assert.True(meanLabel > 1000, $"mean label {meanLabel}");
        Assert.True(meanAbsError / meanLabel < 0.1, $"mean |Score - Label| {meanAbsError} vs mean label {meanLabel}");

        var path = Path.Combine(Path.GetTempPath(), $"lstm-eustock-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, raw.Schema, path);
            var fresh = new MLContext(seed: 2);
            var loaded = fresh.Model.Load(path, out _);

            // The reloaded chain scores window rows (SlidingWindow is a pass-through after reload).
            var windows = fresh.Transforms.SlidingWindow("Window", Columns, windowSize: T, targetColumnName: "DAX").Fit(raw).Transform(raw);
            var reloadedView = loaded.Transform(windows);
            // The window steps' pass-through columns may be ordered differently after reload; Score must not change.
            Assert.Equal(scored.Schema["Score"].Type, reloadedView.Schema["Score"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1), reloadedView.Schema["Score"].Type);
            var reloaded = Vectors(reloadedView, "Score");
            Assert.Equal(scores.Count, reloaded.Count);
            for (int i = 0; i < scores.Count; i++)
                Assert.True(Math.Abs(scores[i][0] - reloaded[i][0]) <= 1e-6 * Math.Abs(scores[i][0]), $"row {i}: before save {scores[i][0]}, after load {reloaded[i][0]}");

            // PredictionEngine over the reloaded model: the same Score as Transform for the same windows.
            var windowValues = Vectors(windows, "Window");
            const int Checked = 300;
            using var engine = fresh.Model.CreatePredictionEngine<WindowInput, Prediction>(loaded);
            var single = windowValues.Take(Checked).Select(w => engine.Predict(new WindowInput { Window = w }).Score.ToArray()).ToArray();
            for (int i = 0; i < Checked; i++)
                Assert.Equal(reloaded[i], single[i]);

            // The fitted (not yet saved) chain's PredictionEngine, which scores through the batched scorer's row mapper.
            using (var before = ml.Model.CreatePredictionEngine<WindowInput, Prediction>(model))
            {
                for (int i = 0; i < Checked; i++)
                    Assert.True(Math.Abs(scores[i][0] - before.Predict(new WindowInput { Window = windowValues[i] }).Score[0]) <= 1e-6 * Math.Abs(scores[i][0]), $"row {i}");
            }

            // 8 threads, one PredictionEngine each over the ONE loaded model: identical to the single-threaded results.
            const int Threads = 8;
            var results = new float[Threads][][];
            var errors = new Exception?[Threads];
            var engines = Enumerable.Range(0, Threads).Select(_ => fresh.Model.CreatePredictionEngine<WindowInput, Prediction>(loaded)).ToArray();
            using var start = new Barrier(Threads);
            var threads = Enumerable.Range(0, Threads).Select(k => new Thread(() =>
            {
                try
                {
                    start.SignalAndWait();
                    // Each thread walks the windows from a different offset, so different rows run concurrently.
                    var mine = new float[Checked][];
                    for (int j = 0; j < Checked; j++)
                    {
                        int i = (j + k * 37) % Checked;
                        mine[i] = engines[k].Predict(new WindowInput { Window = windowValues[i] }).Score.ToArray();
                    }
                    results[k] = mine;
                }
                catch (Exception e)
                {
                    errors[k] = e;
                }
            })).ToArray();
            foreach (var thread in threads)
                thread.Start();
            foreach (var thread in threads)
                thread.Join();
            foreach (var e in engines)
                e.Dispose();
            Assert.All(errors, e => Assert.Null(e));
            for (int k = 0; k < Threads; k++)
            {
                Assert.NotNull(results[k]);
                for (int i = 0; i < Checked; i++)
                    Assert.Equal(single[i], results[k][i]);
            }
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
            (model as IDisposable)?.Dispose();
        }
    }
}
