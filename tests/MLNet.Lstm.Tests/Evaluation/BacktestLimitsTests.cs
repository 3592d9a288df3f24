using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Evaluation;

/// <summary>
/// Backtest Start and Horizon near <see cref="int.MaxValue"/>: checked in 64-bit arithmetic before any fit, with the
/// message that names the option and its largest valid value (the drift model records every fit).
/// </summary>
public class BacktestLimitsTests
{
    private sealed class Row
    {
        public string Key { get; set; } = "";
        public float X { get; set; }
        public float M { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static IDataView Data(params (string Key, int Rows)[] series) => Ml.Data.LoadFromEnumerable(
        series.SelectMany(s => Enumerable.Range(0, s.Rows).Select(i => new Row { Key = s.Key, X = 10 + i, M = i })).ToArray());

    private static IEstimator<ITransformer> Pipeline(out DriftEstimator model, string? key = null)
    {
        model = new DriftEstimator(3, 1, 0, 1) { FixedDrift = 1 };
        return Ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: 3, horizon: 1, seriesColumnName: key).Append(model);
    }

    [Theory]
    [InlineData(int.MaxValue, 1, "Start", "BacktestOptions.Start is 2147483647 with Horizon 1", "Use Start ≤ 29")]
    [InlineData(int.MaxValue - 5, 10, "Start", "BacktestOptions.Start is 2147483642 with Horizon 10", "Use Start ≤ 20")]
    [InlineData(10, int.MaxValue, "Horizon", "BacktestOptions.Horizon is 2147483647", "Use Horizon ≤ 29")]
    [InlineData(int.MaxValue, int.MaxValue, "Horizon", "BacktestOptions.Horizon is 2147483647", "Use Horizon ≤ 29")]
    public void HugeStartOrHorizonIsRefusedBeforeAnyFit(int start, int horizon, string option, string what, string fix)
    {
        foreach (var key in new[] { null, "Key" })
        {
            var pipeline = Pipeline(out var model, key);
            var data = key is null ? Data(("a", 30)) : Data(("a", 30), ("b", 12));
            var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
                Ml.Forecasting.Backtest(pipeline, data, new BacktestOptions { Start = start, Horizon = horizon }));
            Assert.Equal(option, error.ParamName);
            Assert.Contains(what, error.Message);
            Assert.Contains(fix, error.Message);
            Assert.Contains(key is null ? "the series has 30 row(s)" : "the longest series, 'a', has 30 row(s)", error.Message);
            Assert.Empty(model.Fits);
        }
    }

    [Fact]
    public void HugeHorizonWithKnownFutureCovariatesIsRefusedBeforeAnyFit()
    {
        // h·ceil(Horizon / h) with h = 2 and Horizon = int.MaxValue is 2^31, past int.
        var window = Ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options
        {
            InputColumnNames = new[] { "X" },
            WindowSize = 2,
            Horizon = 2,
            SeriesColumnName = "Key",
            FutureCovariateColumnNames = new[] { "M" },
        });
        var model = new DriftEstimator(2, 1, 0, 2) { FixedDrift = 1 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Forecasting.Backtest(window.Append(model), Data(("a", 12)),
            new BacktestOptions { Start = 4, Horizon = int.MaxValue }));
        Assert.Equal("Horizon", error.ParamName);
        Assert.Contains("BacktestOptions.Horizon is 2147483647", error.Message);
        Assert.Contains("a fold needs 2147483648 row(s)", error.Message);
        Assert.Contains("Use Horizon ≤ 10", error.Message); // 2·ceil(10 / 2) = 10 ≤ 11; 2·ceil(11 / 2) = 12 is not
        Assert.Empty(model.Fits);
    }

    [Fact]
    public void TheLargestValidValuesInTheMessagesWork()
    {
        var pipeline = Pipeline(out var model);
        var r = Ml.Forecasting.Backtest(pipeline, Data(("a", 30)), new BacktestOptions { Start = 29, Horizon = 1 });
        Assert.Equal(29, Assert.Single(r.Folds).Start);
        var wide = Ml.Forecasting.Backtest(Pipeline(out _), Data(("a", 30)), new BacktestOptions { Start = 10, Horizon = 20 });
        Assert.Equal(new[] { 10 }, wide.Folds.Select(f => f.Start));
        Assert.True(wide.Recursive);
        Assert.Single(model.Fits);
    }
}
