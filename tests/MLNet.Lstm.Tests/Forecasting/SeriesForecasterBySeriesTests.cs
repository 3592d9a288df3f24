using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Tests.Windows;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>
/// SeriesForecaster over several series and known-future covariates, with a hand-checkable model:
/// Score = the window's last value + the first step's future covariate.
/// </summary>
public class SeriesForecasterBySeriesTests
{
    private sealed class ModelInput
    {
        [VectorType(2)]
        public float[] Window { get; set; } = Array.Empty<float>();

        [VectorType(1)]
        public float[] Future { get; set; } = Array.Empty<float>();
    }

    private sealed class WindowOnly
    {
        [VectorType(2)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    private sealed class ModelOutput
    {
        public float Score { get; set; }
    }

    private static (MLContext Ml, IDataView Data, SeriesForecaster Forecaster) Setup(bool withFuture = true)
    {
        var ml = new MLContext(1);
        var rows = MultiSeriesWindowTests.Rows().Where(r => r.Key != "c").ToArray(); // a: A 1..5, Month 0..4; b: A 101..104, Month 100..103; d: 10001..10003
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = new SlidingWindowEstimator.Options
        {
            InputColumnNames = new[] { "A" },
            WindowSize = 2,
            SeriesColumnName = "Key",
            FutureCovariateColumnNames = withFuture ? new[] { "Month" } : null,
        };
        ITransformer model = withFuture
            ? ml.Transforms.SlidingWindow(options).Append(ml.Transforms.CustomMapping<ModelInput, ModelOutput>((i, o) => o.Score = i.Window[1] + i.Future[0], null)).Fit(data)
            : ml.Transforms.SlidingWindow(options).Append(ml.Transforms.CustomMapping<WindowOnly, ModelOutput>((i, o) => o.Score = i.Window[1], null)).Fit(data);
        return (ml, data, SeriesForecaster.Create(model));
    }

    private static Dictionary<string, IReadOnlyList<float[]>> Known(params (string Key, float[] Values)[] series)
        => series.ToDictionary(s => s.Key, s => (IReadOnlyList<float[]>)s.Values.Select(v => new[] { v }).ToArray());

    [Fact]
    public void ForecastBySeriesGivesOneForecastPerKeyWithTheCallersFutureValues()
    {
        var (_, data, forecaster) = Setup();
        Assert.Equal("Key", forecaster.Windowing.SeriesColumnName);
        Assert.Equal("Future", forecaster.Windowing.FutureColumnName);
        var result = forecaster.ForecastBySeries(data, steps: 3,
            knownFuture: Known(("a", new[] { 10f, 20, 30 }), ("b", new[] { 1f, 2, 3 }), ("d", new[] { 0f, 0, 0 })));
        Assert.Equal(new[] { "a", "b", "d" }, result.Keys);
        // a: window [4, 5]: 5 + 10 = 15, then [5, 15]: 15 + 20 = 35, then 35 + 30 = 65.
        Assert.Equal(new[] { 15f, 35, 65 }, result["a"].Segments.Single().Values);
        Assert.Equal(5, result["a"].Segments.Single().StartRow);
        Assert.Equal(new[] { 105f, 107, 110 }, result["b"].Segments.Single().Values);
        Assert.Equal(new[] { 10003f, 10003, 10003 }, result["d"].Segments.Single().Values);
        Assert.Equal(new[] { 101f, 102, 103, 104 }, result["b"].Observed);
    }

    [Fact]
    public void PointByPointBySeriesTakesTheFutureFromTheDataInsideIt()
    {
        var (_, data, forecaster) = Setup();
        var result = forecaster.PredictPointByPointBySeries(data, Known(("a", new[] { 7f }), ("b", new[] { 9f }), ("d", new[] { 0f })));
        // b: [101, 102] + Month(row 2) = 102 + 102; [102, 103] + 103; [103, 104] + the caller's 9.
        Assert.Equal(new[] { 204f, 206, 113 }, result["b"].Segments.Select(s => s.Values.Single()));
        Assert.Equal(new[] { 2, 3, 4 }, result["b"].Segments.Select(s => s.StartRow));
        Assert.Equal(4, result["a"].Segments.Count);
    }

    [Fact]
    public void MissingOrShortFutureValuesAreErrorsNamingTheColumnKeyAndCount()
    {
        var (_, data, forecaster) = Setup();
        var missing = Assert.Throws<ArgumentException>(() => forecaster.ForecastBySeries(data, 3, knownFuture: Known(("a", new[] { 1f, 2, 3 }))));
        Assert.Contains("Month", missing.Message);
        Assert.Contains("series 'b' needs their values for 3 step(s)", missing.Message);
        Assert.Contains("got 0", missing.Message);
        var shortOne = Assert.Throws<ArgumentException>(() => forecaster.ForecastBySeries(data, 3,
            knownFuture: Known(("a", new[] { 1f, 2, 3 }), ("b", new[] { 1f }), ("d", new[] { 1f, 2, 3 }))));
        Assert.Contains("series 'b' needs their values for 3 step(s)", shortOne.Message);
        Assert.Contains("got 1", shortOne.Message);

        // The single-series methods cannot fill Future: a clear error pointing to the ...BySeries methods.
        var single = Assert.Throws<InvalidOperationException>(() => forecaster.PredictPointByPoint(data));
        Assert.Contains("ForecastBySeries", single.Message);
    }

    [Fact]
    public void WithoutFutureEveryModeRunsPerKeyAndAReappearingKeyIsAnError()
    {
        var (ml, data, forecaster) = Setup(withFuture: false);
        var full = forecaster.PredictFullSequenceBySeries(data);
        Assert.Equal(new[] { 2f, 2, 2 }, full["a"].Segments.Single().Values); // Score = last value: [1, 2] → 2, then 2, 2
        var multiple = forecaster.PredictMultipleSequencesBySeries(data, predictionLength: 2);
        Assert.Equal(new[] { 2, 4 }, multiple["a"].Segments.Select(s => s.StartRow));
        Assert.Equal(new[] { 102f, 102 }, multiple["b"].Segments[0].Values);
        Assert.Single(multiple["d"].Segments);

        var rows = MultiSeriesWindowTests.Rows().Where(r => r.Key != "c").ToList();
        rows.Add(new MultiSeriesWindowTests.Step { Key = "a", A = 9 });
        var error = Assert.Throws<InvalidOperationException>(() => forecaster.ForecastBySeries(ml.Data.LoadFromEnumerable(rows), 1));
        Assert.Contains("series key 'a'", error.Message);
        Assert.Contains("row 12", error.Message);
    }
}
