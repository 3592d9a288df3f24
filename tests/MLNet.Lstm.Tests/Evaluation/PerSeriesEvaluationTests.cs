using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Evaluation;

/// <summary>ForecastingEvaluator over several series: per-key and pooled metrics, hand-computed.</summary>
public class PerSeriesEvaluationTests
{
    private sealed class Step
    {
        public string Key { get; set; } = "";
        public float A { get; set; }
    }

    private sealed class WindowIn
    {
        [VectorType(2)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    private sealed class ScoreOut
    {
        public float Score { get; set; }
    }

    [Fact]
    public void PerSeriesMetricsComeFromTheWindowsSeriesAnnotation()
    {
        var ml = new MLContext(1);
        // x: 0, 2, 4, 6 → windows [0,2]→4, [2,4]→6; y: 1, 2, 3 → [1,2]→3. Score = the window's last value (persistence).
        var rows = new[] { ("x", 0f), ("x", 2), ("x", 4), ("x", 6), ("y", 1), ("y", 2), ("y", 3) }.Select(r => new Step { Key = r.Item1, A = r.Item2 });
        var data = ml.Data.LoadFromEnumerable(rows);
        var scored = ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 2, seriesColumnName: "Key")
            .Append(ml.Transforms.CustomMapping<WindowIn, ScoreOut>((i, o) => o.Score = i.Window[1], null))
            .Fit(data).Transform(data);
        var metrics = new ForecastingEvaluator(new ForecastingEvaluator.Options()).Evaluate(scored);
        Assert.Equal(3, metrics.Count);
        Assert.Equal(5.0 / 3, metrics.MeanAbsoluteError, 6); // pooled: errors 2, 2, 1
        Assert.NotNull(metrics.PerSeries);
        Assert.Equal(new[] { "x", "y" }, metrics.PerSeries!.Keys);
        Assert.Equal(2, metrics.PerSeries["x"].Count);
        Assert.Equal(2.0, metrics.PerSeries["x"].MeanAbsoluteError, 6);
        Assert.Equal(4.0, metrics.PerSeries["x"].MeanSquaredError, 6);
        Assert.Equal(1.0, metrics.PerSeries["y"].MeanAbsoluteError, 6);
        Assert.Null(metrics.PerSeries["x"].PerSeries);

        var missing = Assert.Throws<ArgumentException>(() => new ForecastingEvaluator(new ForecastingEvaluator.Options { SeriesColumnName = "Nope" }).Evaluate(scored));
        Assert.Contains("no series key column 'Nope'", missing.Message);
    }

    [Fact]
    public void BacktestReportsPerSeriesMetricsInsteadOfMixingTheSeries()
    {
        var ml = new MLContext(1);
        // x: 0 .. 9, y: 10, 12, .., 28; persistence model, folds at 5 .. 9 of each: errors 1 for x, 2 for y.
        var rows = Enumerable.Range(0, 20).Select(i => new Step { Key = i < 10 ? "x" : "y", A = i < 10 ? i : 2 * i - 10 });
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 2, seriesColumnName: "Key")
            .Append(ml.Transforms.CustomMapping<WindowIn, ScoreOut>((i, o) => o.Score = i.Window[1], null));
        var r = ml.Forecasting.Backtest(pipeline, data, new BacktestOptions { Start = 5, Horizon = 1 });
        Assert.Equal(10, r.Folds.Count);
        Assert.Equal(1.5, r.Metrics.MeanAbsoluteError, 6);
        Assert.Equal(1.0, r.Metrics.PerSeries!["x"].MeanAbsoluteError, 6);
        Assert.Equal(2.0, r.Metrics.PerSeries["y"].MeanAbsoluteError, 6);
    }
}
