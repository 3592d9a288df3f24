using System.Globalization;
using Microsoft.ML;

namespace MLNet.Lstm.Tests.Evaluation;

/// <summary><see cref="BacktestResult.ToDataFrame()"/> against the folds of backtests with <see cref="DriftEstimator"/>.</summary>
public class BacktestFrameTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private sealed class Row
    {
        public string Key { get; set; } = "";
        public DateTime Date { get; set; }
        public float X { get; set; }
    }

    private static readonly DateTime Start = new(2024, 1, 1);

    private static Row[] Series(string key, int n, float scale) =>
        Enumerable.Range(0, n).Select(i => new Row { Key = key, Date = Start.AddDays(i), X = scale * (i % 4) + i }).ToArray();

    private static IEstimator<ITransformer> Pipeline(int horizon, string? key, float halfWidth) =>
        Ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options { InputColumnNames = new[] { "X" }, WindowSize = 2, Horizon = horizon, SeriesColumnName = key })
            .Append(new DriftEstimator(2, 1, 0, horizon) { FixedDrift = 1, HalfWidth = halfWidth });

    [Fact]
    public void OneRowPerFoldAndStepWithBoundsAndTimes()
    {
        var rows = Series("", 10, 3);
        var data = Ml.Data.LoadFromEnumerable(rows);
        var result = Ml.Forecasting.Backtest(Pipeline(2, null, 0.5f), data, new BacktestOptions { Start = 6, Horizon = 2, Stride = 2 });
        // Folds start at rows 6 and 8 (6 + 2 ≤ 10, 8 + 2 ≤ 10), two steps each.
        var frame = result.ToDataFrame(data, "Date");

        Assert.Equal(new[] { "Origin", "Step", "Time", "Forecast", "Actual", "LowerBound", "UpperBound" }, frame.Columns.Select(c => c.Name));
        Assert.Equal(new[] { 6, 6, 8, 8 }, frame.Columns["Origin"].Cast<int>());
        Assert.Equal(new[] { 1, 2, 1, 2 }, frame.Columns["Step"].Cast<int>());
        Assert.Equal(new[] { 6, 7, 8, 9 }.Select(d => Start.AddDays(d)), frame.Columns["Time"].Cast<DateTime>());
        // Forecast = x[s - 1] + k (drift 1): x[5] = 3·1 + 5 = 8, x[7] = 3·3 + 7 = 16.
        Assert.Equal(new[] { 9f, 10f, 17f, 18f }, frame.Columns["Forecast"].Cast<float>());
        Assert.Equal(new[] { 6, 7, 8, 9 }.Select(i => rows[i].X), frame.Columns["Actual"].Cast<float>());
        Assert.Equal(new[] { 8.5f, 9f, 16.5f, 17f }, frame.Columns["LowerBound"].Cast<float>());
        Assert.Equal(new[] { 9.5f, 11f, 17.5f, 19f }, frame.Columns["UpperBound"].Cast<float>());

        Assert.Equal(new[] { "Origin", "Step", "Forecast", "Actual", "LowerBound", "UpperBound" }, result.ToDataFrame().Columns.Select(c => c.Name));
    }

    [Fact]
    public void AKeyedBacktestHasTheKeyColumnAndEachSeriesOwnTimes()
    {
        var rows = Series("A", 6, 1).Concat(Series("B", 7, 2).Select(r => new Row { Key = r.Key, Date = r.Date.AddDays(100), X = r.X })).ToArray();
        var data = Ml.Data.LoadFromEnumerable(rows);
        var result = Ml.Forecasting.Backtest(Pipeline(1, "Key", 0), data, new BacktestOptions { Start = 5, Horizon = 1 });
        var frame = result.ToDataFrame(data, "Date");

        Assert.Equal(new[] { "Key", "Origin", "Step", "Time", "Forecast", "Actual" }, frame.Columns.Select(c => c.Name));
        // A (6 rows): a fold at row 5; B (7 rows): folds at rows 5 and 6; by start, then by key.
        Assert.Equal(result.Folds.Select(f => f.SeriesKey), frame.Columns["Key"].Cast<string>());
        Assert.Equal(new[] { "A", "B", "B" }, frame.Columns["Key"].Cast<string>());
        Assert.Equal(new[] { 5, 5, 6 }, frame.Columns["Origin"].Cast<int>());
        Assert.Equal(new[] { Start.AddDays(5), Start.AddDays(105), Start.AddDays(106) }, frame.Columns["Time"].Cast<DateTime>());
        Assert.Equal(result.Folds.Select(f => f.Forecast[0]), frame.Columns["Forecast"].Cast<float>());

        var wrong = Ml.Data.LoadFromEnumerable(rows.Take(6).ToArray());
        var e = Assert.Throws<ArgumentException>(() => result.ToDataFrame(wrong, "Date"));
        Assert.Contains("The backtest forecast row 5 of series 'B', but the series given to ToDataFrame has no such series", e.Message);
    }
}
