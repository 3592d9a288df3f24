using Microsoft.ML;

namespace MLNet.Lstm.Tests.Evaluation;

/// <summary>The backtest with the real pipeline (SlidingWindow → NormalizeWindows → Lstm), tiny and seeded.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public class LstmBacktestTests
{
    private sealed class Row
    {
        public float X { get; set; }
        public float C { get; set; }
    }

    private const int N = 90;

    private static IDataView Series(MLContext ml, int poisonFrom = N) => ml.Data.LoadFromEnumerable(Enumerable.Range(0, N).Select(i => new Row
    {
        X = i >= poisonFrom ? 1e30f : (float)(100 + 10 * Math.Sin(i / 5.0) + 0.2 * i),
        C = i >= poisonFrom ? float.NaN : 50 + i % 7,
    }).ToArray());

    /// <summary>A tiny seeded LSTM (4 units, 2 epochs, one CPU thread): the tests check folds, not accuracy.</summary>
    private static LstmForecastingTrainer.Options Tiny(int batchSize) => new()
    {
        HiddenSizes = new[] { 4 },
        Epochs = 2,
        BatchSize = batchSize,
        Seed = 5,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
    };

    private static IEstimator<ITransformer> Pipeline(MLContext ml) =>
        ml.Transforms.SlidingWindow("Window", new[] { "X", "C" }, windowSize: 8, horizon: 2)
            .Append(ml.Transforms.NormalizeWindows("Window"))
            .Append(ml.Forecasting.Lstm(Tiny(batchSize: 16)));

    [Theory]
    [InlineData(2)]   // direct: the model's horizon is 2
    [InlineData(4)]   // recursive through SeriesForecaster
    public void LstmFoldsAreUnchangedByAPoisonedFuture(int horizon)
    {
        var ml = new MLContext(seed: 5);
        var clean = ml.Forecasting.Backtest(Pipeline(ml), Series(ml), new BacktestOptions { Start = 60, Horizon = horizon, Stride = 7 });
        // floor((90 - h - 60) / 7) + 1 folds
        Assert.Equal((N - horizon - 60) / 7 + 1, clean.Folds.Count);
        Assert.Equal(horizon > 2, clean.Recursive);
        Assert.Equal(1, clean.Fits);
        Assert.All(clean.Folds, f => Assert.All(f.Forecast, v => Assert.True(float.IsFinite(v) && v > 50 && v < 200, $"forecast {v}")));
        Assert.True(double.IsFinite(clean.Metrics.MeanAbsoluteScaledError!.Value));

        var poisoned = ml.Forecasting.Backtest(Pipeline(ml), Series(ml, poisonFrom: 60), new BacktestOptions { Start = 60, Horizon = horizon, Stride = N });
        Assert.Equal(clean.Folds[0].Forecast, Assert.Single(poisoned.Folds).Forecast);
    }

    private sealed class KeyedRow
    {
        public string Key { get; set; } = "";
        public float X { get; set; }
    }

    [Theory]
    [InlineData(2)]   // direct
    [InlineData(4)]   // recursive through SeriesForecaster.ForecastBySeries
    public void KeyedLstmBacktestHasTheFoldsOfEverySeries(int horizon)
    {
        var ml = new MLContext(seed: 5);
        var lengths = new[] { ("a", 40, 100.0), ("b", 35, 10.0), ("c", 20, 50.0) };
        var data = ml.Data.LoadFromEnumerable(lengths.SelectMany(s => Enumerable.Range(0, s.Item2)
            .Select(i => new KeyedRow { Key = s.Item1, X = (float)(s.Item3 * (1 + 0.1 * Math.Sin(i / 4.0)) + 0.1 * i) })).ToArray());
        var pipeline = ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: 4, horizon: 2, seriesColumnName: "Key")
            .Append(ml.Transforms.NormalizeWindows("Window"))
            .Append(ml.Forecasting.Lstm(Tiny(batchSize: 8)));
        var r = ml.Forecasting.Backtest(pipeline, data, new BacktestOptions { Start = 25, Horizon = horizon, Stride = 3 });
        // Per series floor((n - h - 25) / 3) + 1 folds when n - h ≥ 25: a (40), b (35); c (20) has none.
        int Folds(int n) => (n - horizon - 25) / 3 + 1;
        Assert.Equal(Folds(40) + Folds(35), r.Folds.Count);
        Assert.Equal(Folds(40), r.Folds.Count(f => f.SeriesKey == "a"));
        Assert.Equal(new[] { "c" }, r.SkippedSeries);
        Assert.Equal(horizon > 2, r.Recursive);
        Assert.Equal(1, r.Fits);
        Assert.All(r.Folds, f => Assert.All(f.Forecast, v => Assert.True(float.IsFinite(v), $"forecast {v}")));
        Assert.Equal(new[] { "a", "b" }, r.Metrics.PerSeries!.Keys);
        Assert.True(double.IsFinite(r.Metrics.MeanAbsoluteScaledError!.Value));
        Assert.Equal(Folds(35) * horizon, r.Metrics.PerSeries["b"].Count);
    }

    [Fact]
    public void KeyedLstmBacktestWithSeriesLevelScalingForecastsEverySeriesInItsOwnUnits()
    {
        // Series-level statistics are fitted on the rows before the fold start of every key (the backtest's pooled
        // fit), and the series forecaster passes the key to the saved NormalizeWindows step at every fold.
        var ml = new MLContext(seed: 5);
        var lengths = new[] { ("a", 40, 1000.0), ("b", 36, 10.0) };
        var data = ml.Data.LoadFromEnumerable(lengths.SelectMany(s => Enumerable.Range(0, s.Item2)
            .Select(i => new KeyedRow { Key = s.Item1, X = (float)(s.Item3 * (1 + 0.05 * Math.Sin(i / 3.0))) })).ToArray());
        var pipeline = ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: 4, horizon: 1, seriesColumnName: "Key")
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.SeriesZScore))
            .Append(ml.Forecasting.Lstm(Tiny(batchSize: 8)));
        var r = ml.Forecasting.Backtest(pipeline, data, new BacktestOptions { Start = 28, Horizon = 3, Stride = 2 });
        Assert.True(r.Recursive);
        Assert.Equal((40 - 3 - 28) / 2 + 1 + (36 - 3 - 28) / 2 + 1, r.Folds.Count);
        // Sanity, not accuracy: a series oscillating within ±5% of its level is forecast within ±50% of it; a forecast
        // scaled with the other series' statistics (a factor 100 apart) would be far outside.
        foreach (var fold in r.Folds)
        {
            double level = fold.SeriesKey == "a" ? 1000 : 10;
            Assert.All(fold.Forecast, v => Assert.InRange(v, 0.5 * level, 1.5 * level));
        }
        Assert.Equal(new[] { "a", "b" }, r.Metrics.PerSeries!.Keys);
    }
}
