using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Onnx;
using MLNet.Lstm.Onnx;
using static MLNet.Lstm.Tests.Onnx.SavedModelTestUtil;

namespace MLNet.Lstm.Tests.Onnx;

/// <summary><c>mlContext.Forecasting.LoadModel</c>: our own transformers from a saved zip, scoring as the stock-loaded chain.</summary>
public class LoadModelTests
{
    [Theory]
    [InlineData(1, null)]
    [InlineData(3, null)]
    [InlineData(1, WindowNormalization.RelativeToFirst)]
    [InlineData(3, WindowNormalization.RelativeToFirst)]
    [InlineData(2, WindowNormalization.MinMax)]
    [InlineData(1, WindowNormalization.None)]
    [InlineData(1, WindowNormalization.RelativeToLast)]
    public void LoadedChainIsOursAndScoresBitwiseAsTheStockLoadedChain(int horizon, WindowNormalization? mode)
    {
        var ml = new MLContext(1);
        var series = Series(ml);
        using var fitted = Chain(ml, series, horizon, mode);
        var path = TempZip("load-model");
        try
        {
            ml.Model.Save(fitted, series.Schema, path);
            using var stock = (TransformerChain<ITransformer>)new MLContext().Model.Load(path, out _);
            using var ours = (TransformerChain<ITransformer>)new MLContext().Forecasting.LoadModel(path, out var inputSchema);
            Assert.NotNull(inputSchema.GetColumnOrNull("X"));
            var expectedTypes = mode is null
                ? new[] { typeof(SlidingWindowTransformer), typeof(LstmForecastingTransformer) }
                : new[] { typeof(SlidingWindowTransformer), typeof(NormalizeWindowsTransformer), typeof(LstmForecastingTransformer) };
            Assert.Equal(expectedTypes, ours.Select(t => t.GetType()));

            // Transform over window rows, against the stock-loaded chain, bit for bit.
            var windows = WindowRows(ml, series);
            var expected = Scores(stock.Transform(windows));
            Assert.Equal(60 - T, expected.Length); // windows with a one-step label
            Assert.All(expected, s => Assert.Equal(horizon, s.Length));
            AssertBitwise(expected, Scores(ours.Transform(windows)));

            // PredictionEngine, against the stock-loaded chain's engine.
            var stockEngine = ml.Model.CreatePredictionEngine<WindowInput, ScoreOutput>(stock);
            var ourEngine = ml.Model.CreatePredictionEngine<WindowInput, ScoreOutput>(ours);
            var rows = MLNet.Lstm.Tests.Windows.WindowTestUtil.Vectors(windows, "Window");
            foreach (var window in rows.Take(5).Concat(rows.TakeLast(2)))
            {
                var input = new WindowInput { Window = window };
                Assert.Equal(stockEngine.Predict(input).Score.Select(BitConverter.SingleToInt32Bits),
                    ourEngine.Predict(input).Score.Select(BitConverter.SingleToInt32Bits));
            }

            // Unlike the stock-loaded chain, ours also windows a raw series (as the fitted chain does).
            var fittedOnSeries = Scores(fitted.Transform(series));
            AssertBitwise(fittedOnSeries, Scores(ours.Transform(series)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AChainTrainedOnNormalizeWindowsNoneLoadsAndScoresAsTheFittedChain()
    {
        // The trainer reads no shift/scale columns behind NormalizeWindows(None) (its output is in label units), while
        // the step still writes shift 0 and scale 1: LoadModel refused the pair as not belonging together.
        var ml = new MLContext(1);
        var series = Series(ml);
        var chain = ml.Transforms.SlidingWindow("Window", Columns, T, horizon: 2)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.None))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 4 }, Epochs = 1, Seed = 1, Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        using var fitted = chain.Fit(series);
        Assert.Null(fitted.LastTransformer.Layout.ShiftColumnName);
        var path = TempZip("load-model-none");
        try
        {
            ml.Model.Save(fitted, series.Schema, path);
            using var ours = (TransformerChain<ITransformer>)new MLContext().Forecasting.LoadModel(path, out _);
            Assert.Equal(new[] { typeof(SlidingWindowTransformer), typeof(NormalizeWindowsTransformer), typeof(LstmForecastingTransformer) }, ours.Select(t => t.GetType()));
            var expected = Scores(fitted.Transform(series));
            Assert.Equal(60 - T - 1, expected.Length);
            AssertBitwise(expected, Scores(ours.Transform(series)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ZScoreChainLoadsAndScoresAsTheFittedChain()
    {
        // NormalizeWindows rebuilt from its graph computes as a fitted one (C#); its saved graph (what the stock chain
        // runs) sums in float32 in time order like the C# kernel, so all three agree bitwise.
        var ml = new MLContext(1);
        var series = Series(ml);
        using var fitted = Chain(ml, series, 2, WindowNormalization.ZScore);
        var path = TempZip("load-model-zscore");
        try
        {
            ml.Model.Save(fitted, series.Schema, path);
            using var stock = (TransformerChain<ITransformer>)new MLContext().Model.Load(path, out _);
            using var ours = (TransformerChain<ITransformer>)new MLContext().Forecasting.LoadModel(path);
            var windows = WindowRows(ml, series);
            AssertBitwise(Scores(fitted.Transform(windows)), Scores(ours.Transform(windows)));
            AssertBitwise(Scores(stock.Transform(windows)), Scores(ours.Transform(windows)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadedLstmHasTheWeightsOfTheGraphNoHistoryAndPartialSettings()
    {
        var ml = new MLContext(1);
        var series = Series(ml);
        using var fitted = Chain(ml, series, 3, WindowNormalization.RelativeToFirst);
        var path = TempZip("load-model-weights");
        try
        {
            ml.Model.Save(fitted, series.Schema, path);
            using var stream = File.OpenRead(path);
            using var ours = (TransformerChain<ITransformer>)new MLContext().Forecasting.LoadModel(stream);
            var original = (LstmForecastingTransformer)fitted.Last();
            var loaded = (LstmForecastingTransformer)ours.Last();
            Assert.Equal(original.Weights.HiddenSizes, loaded.Weights.HiddenSizes);
            for (int l = 0; l < original.Weights.Layers.Count; l++)
            {
                var (a, b) = (original.Weights.Layers[l], loaded.Weights.Layers[l]);
                Assert.Equal(a.WeightIh, b.WeightIh);
                Assert.Equal(a.WeightHh, b.WeightHh);
                Assert.Equal(a.BiasIh, b.BiasIh);
                Assert.Equal(a.BiasHh, b.BiasHh);
            }
            Assert.Equal(original.Weights.HeadWeight, loaded.Weights.HeadWeight);
            Assert.Equal(original.Weights.HeadBias, loaded.Weights.HeadBias);
            Assert.Equal(original.Summary.ToString(), loaded.Summary.ToString());
            Assert.Empty(loaded.History);
            Assert.Equal(0, loaded.BestEpoch);
            Assert.Equal((T, F, 3, 0, (WindowNormalization?)WindowNormalization.RelativeToFirst), (loaded.Settings.WindowSize, loaded.Settings.FeatureCount,
                loaded.Settings.Horizon, loaded.Settings.TargetIndex, loaded.Settings.Normalization));
            Assert.Equal(new[] { 5, 3 }, loaded.Settings.HiddenSizes);
            Assert.Equal(original.GetOnnxModel(), loaded.GetOnnxModel());

            // A loaded model saves again and loads again to the same scores.
            var again = TempZip("load-model-again");
            try
            {
                ml.Model.Save(ours, series.Schema, again);
                var reloaded = new MLContext().Forecasting.LoadModel(again);
                var windows = WindowRows(ml, series);
                AssertBitwise(Scores(ours.Transform(windows)), Scores(reloaded.Transform(windows)));
                ((IDisposable)reloaded).Dispose();
            }
            finally
            {
                File.Delete(again);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void StepsThatAreNotOursStayAsMlNetLoadedThem()
    {
        var ml = new MLContext(1);
        var series = Series(ml);
        using var ours0 = Chain(ml, series, 1, WindowNormalization.MinMax);
        var parts = ours0.ToList();
        var copy = ml.Transforms.CopyColumns("XCopy", "X").Fit(series);
        var chain = new TransformerChain<ITransformer>(new ITransformer[] { copy }.Concat(parts).ToArray());
        var path = TempZip("load-model-foreign");
        try
        {
            ml.Model.Save(chain, series.Schema, path);
            using var loaded = (TransformerChain<ITransformer>)new MLContext().Forecasting.LoadModel(path);
            Assert.Equal(new[] { typeof(ColumnCopyingTransformer), typeof(SlidingWindowTransformer), typeof(NormalizeWindowsTransformer), typeof(LstmForecastingTransformer) },
                loaded.Select(t => t.GetType()));
            var scored = loaded.Transform(series);
            Assert.NotNull(scored.Schema.GetColumnOrNull("XCopy"));
            AssertBitwise(Scores(chain.Transform(series)), Scores(scored));

            // A single saved LSTM (not a chain) loads as the transformer itself.
            var single = TempZip("load-model-single");
            try
            {
                var lstm = (LstmForecastingTransformer)parts[^1];
                var input = ((NormalizeWindowsTransformer)parts[1]).Transform(WindowRows(ml, series));
                ml.Model.Save(lstm, input.Schema, single);
                using var alone = (LstmForecastingTransformer)new MLContext().Forecasting.LoadModel(single);
                AssertBitwise(Scores(lstm.Transform(input)), Scores(alone.Transform(input)));
                Assert.IsType<OnnxTransformer>(new MLContext().Model.Load(single, out _));
            }
            finally
            {
                File.Delete(single);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AZipSavedWithADataLoaderLoadsAsOurTransformers()
    {
        var ml = new MLContext(1);
        var series = Series(ml);
        using var chain = Chain(ml, series, 2, WindowNormalization.RelativeToFirst);
        var csv = Path.Combine(Path.GetTempPath(), $"load-model-{Guid.NewGuid():N}.csv");
        var path = TempZip("load-model-loader");
        try
        {
            File.WriteAllLines(csv, new[] { "X,C" }.Concat(MLNet.Lstm.Tests.Windows.WindowTestUtil.Scalars<float>(series, "X")
                .Zip(MLNet.Lstm.Tests.Windows.WindowTestUtil.Scalars<float>(series, "C"), (x, c) => FormattableString.Invariant($"{x:R},{c:R}"))));
            var loader = ml.Data.CreateTextLoader(new[]
            {
                new TextLoader.Column("X", DataKind.Single, 0),
                new TextLoader.Column("C", DataKind.Single, 1),
            }, separatorChar: ',', hasHeader: true);
            ml.Model.Save(chain, loader, path);
            using var stock = (TransformerChain<ITransformer>)new MLContext().Model.Load(path, out _);
            using var ours = (TransformerChain<ITransformer>)new MLContext().Forecasting.LoadModel(path);
            Assert.Equal(new[] { typeof(SlidingWindowTransformer), typeof(NormalizeWindowsTransformer), typeof(LstmForecastingTransformer) },
                ours.Select(t => t.GetType()));
            var windows = WindowRows(ml, series);
            AssertBitwise(Scores(stock.Transform(windows)), Scores(ours.Transform(windows)));
        }
        finally
        {
            File.Delete(csv);
            File.Delete(path);
        }
    }
}
