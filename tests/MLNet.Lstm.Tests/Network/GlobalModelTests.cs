using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Network;

/// <summary>Issue 10 acceptance: one global model over four series of different scales (the bundled EU indices).</summary>
public class GlobalModelTests
{
    internal sealed class KeyedStep
    {
        public string Series { get; set; } = "";
        public float Value { get; set; }
    }

    private const int Rows = 250, T = 10;

    /// <summary>The first <see cref="Rows"/> days of DAX, SMI, CAC and FTSE stacked as four keys (contiguous, in time order).</summary>
    internal static KeyedStep[] StackedIndices(MLContext ml)
    {
        var data = LoadEuStock(ml);
        return EuStockColumns.SelectMany(name => Scalars<float>(data, name).Take(Rows).Select(v => new KeyedStep { Series = name, Value = v })).ToArray();
    }

    [Fact]
    public void GlobalModelForecastsEachSeriesIdenticallyAfterSaveAndStockReload()
    {
        var ml = new MLContext(1);
        var rows = StackedIndices(ml);
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options
            {
                InputColumnNames = new[] { "Value" },
                WindowSize = T,
                SeriesColumnName = "Series",
            })
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.RelativeToFirst))
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
        var windows = fitted.First().Transform(data);
        Assert.Equal(4 * (Rows - T), Vectors(windows, "Window").Count); // no window crosses a key
        var expectedScores = Vectors(fitted.Transform(data), "Score");

        var path = Path.Combine(Path.GetTempPath(), $"global-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(fitted, data.Schema, path);
            // Stock reload (ML.NET built-ins, which take window rows): the same scores for every window of every key.
            var stock = new MLContext().Model.Load(path, out _);
            GruCellTests.AssertBitwise(expectedScores.ToArray(), Vectors(stock.Transform(windows), "Score").ToArray());

            // SeriesForecaster per key: ForecastBySeries (all keys in one batched call per step) before saving and after
            // loading the zip, bit for bit, and equal to forecasting each key's rows alone.
            using var before = SeriesForecaster.Create(fitted);
            using var after = SeriesForecaster.Load(path);
            var expected = before.ForecastBySeries(data, 5);
            var actual = after.ForecastBySeries(data, 5);
            Assert.Equal(EuStockColumns, expected.Keys.OrderBy(k => Array.IndexOf(EuStockColumns, k)));
            foreach (var key in EuStockColumns)
            {
                var e = expected[key].Segments.Single().Values;
                Assert.Equal(5, e.Length);
                Assert.Equal(e.Select(BitConverter.SingleToInt32Bits), actual[key].Segments.Single().Values.Select(BitConverter.SingleToInt32Bits));
                var alone = after.Forecast(ml.Data.LoadFromEnumerable(rows.Where(r => r.Series == key).ToArray()), 5).Segments.Single().Values;
                Assert.Equal(e.Select(BitConverter.SingleToInt32Bits), alone.Select(BitConverter.SingleToInt32Bits));
                // Each forecast is in its own series' units (levels from about 1,400 to 2,600 here): within 10% of its last value.
                float last = rows.Where(r => r.Series == key).Last().Value;
                Assert.All(e, v => Assert.InRange(v, 0.9f * last, 1.1f * last));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
