using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static MLNet.Lstm.Tests.Network.GlobalModelTests;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Network;

/// <summary>
/// Issue 10 §3: a global LSTM over four keyed series of different scales with <see cref="WindowNormalization.SeriesZScore"/>
/// (each key standardised with its own fitted mean and deviation) forecasts every key through <see cref="SeriesForecaster"/>
/// identically before saving, after a stock reload and after <c>LoadModel</c>.
/// </summary>
public class GlobalSeriesScalingTests
{
    private const int T = 10;

    [Fact]
    public void GlobalModelWithSeriesZScoreForecastsIdenticallyAfterSaveAndStockReload()
    {
        var ml = new MLContext(1);
        var rows = StackedIndices(ml);
        var data = ml.Data.LoadFromEnumerable(rows);
        var windowOptions = new SlidingWindowEstimator.Options { InputColumnNames = new[] { "Value" }, WindowSize = T, SeriesColumnName = "Series" };
        var pipeline = ml.Transforms.SlidingWindow(windowOptions)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.SeriesZScore))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 8 },
                Epochs = 3,
                BatchSize = 32,
                LearningRate = 0.01f,
                Dropout = 0f,
                Seed = 2,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        using var fitted = pipeline.Fit(data);
        var normalizer = fitted.OfType<NormalizeWindowsTransformer>().Single();
        Assert.Equal(EuStockColumns, normalizer.SeriesKeys);
        var windows = ml.Transforms.SlidingWindow(windowOptions).Fit(data).Transform(data);
        var expectedScores = Vectors(fitted.Transform(data), "Score");

        var path = Path.Combine(Path.GetTempPath(), $"global-series-zscore-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(fitted, data.Schema, path);
            var stock = new MLContext().Model.Load(path, out _);
            GruCellTests.AssertBitwise(expectedScores.ToArray(), Vectors(stock.Transform(windows), "Score").ToArray());

            using var before = SeriesForecaster.Create(fitted);
            using var afterLoadModel = SeriesForecaster.Load(path);
            using var afterStock = new SeriesForecaster(stock, before.Windowing);
            var expected = before.ForecastBySeries(data, 5);
            foreach (var actual in new[] { afterLoadModel.ForecastBySeries(data, 5), afterStock.ForecastBySeries(data, 5) })
            {
                foreach (var key in EuStockColumns)
                {
                    var e = expected[key].Segments.Single().Values;
                    Assert.Equal(e.Select(BitConverter.SingleToInt32Bits), actual[key].Segments.Single().Values.Select(BitConverter.SingleToInt32Bits));
                }
            }
            foreach (var key in EuStockColumns)
            {
                // The inverse gives each series' own units (levels from about 1,400 to 2,600): within 10% of its last value.
                float last = rows.Where(r => r.Series == key).Last().Value;
                Assert.All(expected[key].Segments.Single().Values, v => Assert.InRange(v, 0.9f * last, 1.1f * last));
            }

            // ExportOnnx: one graph with the key as a second (string) input; an unseen key scores NaN there.
            using var file = new MemoryStream();
            ml.Forecasting.ExportOnnx(fitted, file);
            using var session = new InferenceSession(file.ToArray());
            Assert.Equal(new[] { "Window", "Series" }, session.InputMetadata.Keys);
            Assert.Equal("2", session.ModelMetadata.CustomMetadataMap["mlnet_lstm.version"]);
            Assert.Equal("Series", session.ModelMetadata.CustomMetadataMap["mlnet_lstm.series_column"]);
            var flat = Vectors(windows, "Window");
            var keys = Scalars<ReadOnlyMemory<char>>(windows, "Series").Select(k => k.ToString()).ToArray();
            keys[^1] = "NIKKEI";
            using var results = session.Run(new[]
            {
                NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(flat.SelectMany(w => w).ToArray(), new[] { flat.Count, T })),
                NamedOnnxValue.CreateFromTensor("Series", new DenseTensor<string>(keys, new[] { keys.Length, 1 })),
            });
            var exported = results.Single(r => r.Name == "Score").AsEnumerable<float>().ToArray();
            for (int i = 0; i < exported.Length - 1; i++)
                Assert.Equal(BitConverter.SingleToInt32Bits(expectedScores[i][0]), BitConverter.SingleToInt32Bits(exported[i]));
            Assert.True(float.IsNaN(exported[^1]));

            // A series the model never saw: an error naming it (this library's transformer).
            var unseen = ml.Data.LoadFromEnumerable(rows.Where(r => r.Series == "DAX").Select(r => new KeyedStep { Series = "NIKKEI", Value = r.Value }).ToArray());
            var error = Assert.Throws<InvalidOperationException>(() => afterLoadModel.ForecastBySeries(unseen, 5));
            Assert.Contains("series key 'NIKKEI' of column 'Series'", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
