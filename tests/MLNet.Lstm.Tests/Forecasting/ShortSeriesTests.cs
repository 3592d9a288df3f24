using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>
/// Every series gets a forecast: <c>ForecastBySeries</c> left-pads a series shorter than the window with its first
/// row (hand-checked with a model that sums its window), and <see cref="SeriesLengthSummary"/> counts the series that
/// give training windows and those forecast padded, and refuses a table where none gives a training window.
/// </summary>
public class ShortSeriesTests
{
    private sealed class Row
    {
        public string Key { get; set; } = "";
        public float A { get; set; }
    }

    private sealed class WindowOnly
    {
        [VectorType(3)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    private sealed class ModelOutput
    {
        public float Score { get; set; }
    }

    private static IDataView Table(MLContext ml, params (string Key, float[] Values)[] series) =>
        ml.Data.LoadFromEnumerable(series.SelectMany(s => s.Values.Select(v => new Row { Key = s.Key, A = v })).ToArray());

    [Fact]
    public void ForecastBySeriesLeftPadsSeriesShorterThanTheWindowWithTheirFirstValue()
    {
        var ml = new MLContext(1);
        var data = Table(ml, ("a", new[] { 1f, 2, 3, 4, 5 }), ("b", new[] { 10f, 20 }), ("c", new[] { 7f }));
        // The model: Score = the sum of the window's 3 values (window 3, horizon 1).
        var model = ml.Transforms.SlidingWindow("Window", new[] { "A" }, 3, seriesColumnName: "Key")
            .Append(ml.Transforms.CustomMapping<WindowOnly, ModelOutput>((i, o) => o.Score = i.Window.Sum(), null)).Fit(data);
        using var forecaster = SeriesForecaster.Create(model);
        var result = forecaster.ForecastBySeries(data, steps: 3);
        Assert.Equal(new[] { "a", "b", "c" }, result.Keys);
        // a: [3, 4, 5] → 12, [4, 5, 12] → 21, [5, 12, 21] → 38; no padding.
        Assert.Equal(new[] { 12f, 21, 38 }, result["a"].Segments.Single().Values);
        Assert.Equal((0, 5), (result["a"].PaddedRows, result["a"].Segments.Single().StartRow));
        // b: [10, 10, 20] → 40, [10, 20, 40] → 70, [20, 40, 70] → 130; one row of padding.
        Assert.Equal(new[] { 40f, 70, 130 }, result["b"].Segments.Single().Values);
        Assert.Equal((1, 2), (result["b"].PaddedRows, result["b"].Segments.Single().StartRow));
        Assert.Equal(new[] { 10f, 20 }, result["b"].Observed);
        // c: [7, 7, 7] → 21, [7, 7, 21] → 35, [7, 21, 35] → 63; two rows of padding.
        Assert.Equal(new[] { 21f, 35, 63 }, result["c"].Segments.Single().Values);
        Assert.Equal((2, 1), (result["c"].PaddedRows, result["c"].Segments.Single().StartRow));
        Assert.Equal(new[] { 7f }, result["c"].Observed);
    }

    [Fact]
    public void TheSummaryCountsTrainableAndPaddedSeries()
    {
        var ml = new MLContext(1);
        var data = Table(ml, ("a", new float[10]), ("b", new float[7]), ("c", new float[5]), ("d", new float[2]));
        var summary = SeriesLengthSummary.Read(data, "Key", windowSize: 5, horizon: 2);
        // T + h = 7: a (10) and b (7) give training windows; c (5) and d (2) do not; d (< 5) is forecast padded.
        Assert.Equal(new SeriesLengthSummary(5, 2, 4, 2, 10, 2, 1), summary);
        Assert.Equal(2, summary.UntrainableSeriesCount);
        Assert.Equal("4 series (2 to 10 rows), window 5, horizon 2: 2 give training windows, 2 do not (fewer than 7 rows), 1 forecast left-padded (fewer than 5 rows)", summary.ToString());
        summary.EnsureTrainable();
        Assert.Equal(new SeriesLengthSummary(5, 2, 1, 24, 24, 1, 0), SeriesLengthSummary.Read(Table(ml, ("x", new float[24])), null, 5, 2));
    }

    [Fact]
    public void EverySeriesTooShortIsAnErrorNamingTheShortestAndLongestLengthAndTheWindow()
    {
        var ml = new MLContext(1);
        var data = Table(ml, ("a", new float[4]), ("b", new float[6]), ("c", new float[3]));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SeriesLengthSummary.Read(data, "Key", windowSize: 5, horizon: 2).EnsureTrainable());
        Assert.Contains("Every one of the 3 series is shorter than the window plus the horizon (5 + 2 = 7 rows)", e.Message);
        Assert.Contains("the shortest series has 3 rows, the longest 6 (window 5, horizon 2)", e.Message);
        Assert.Contains("Use a window of at most 4 rows", e.Message);
    }

    [Fact]
    public void KeysOutOfOrderAndAMissingKeyColumnAreErrors()
    {
        var ml = new MLContext(1);
        var data = Table(ml, ("a", new float[4]), ("b", new float[6]), ("a", new float[3]));
        var order = Assert.Throws<InvalidOperationException>(() => SeriesLengthSummary.Read(data, "Key", 2, 1));
        Assert.Contains("series key 'a' of column 'Key' reappears at row 10", order.Message);
        var missing = Assert.Throws<ArgumentException>(() => SeriesLengthSummary.Read(data, "Id", 2, 1));
        Assert.Contains("no series key column 'Id'", missing.Message);
    }
}
