using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Onnx.SavedModelTestUtil;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>
/// <c>mlContext.Forecasting.ForecastByLstm</c>: the recommended chain, scoring into <c>Score</c> like the explicit chain,
/// so the workflow APIs work on it unchanged. The fits shorten the recommended epochs and ensemble (setup only).
/// </summary>
public class ForecastByLstmTests
{
    private const int Window = 8;

    /// <summary>The one-call estimator with the test's short training (ForecastByLstmSearchTests.Tiny, final ensemble 2).</summary>
    private static IEstimator<ITransformer> Estimator(MLContext ml, int horizon, string[]? inputs = null, int seed = 2)
    {
        var estimator = (ForecastByLstmEstimator)ml.Forecasting.ForecastByLstm("X", Window, horizon, inputs, seed);
        estimator.SearchSettings = ForecastByLstmSearchTests.Tiny with { FinalEnsembleSize = 2 };
        return estimator;
    }

    [Fact]
    public void TheSimpleOverloadIsTheOneCallForOneSeriesWithItsWindow()
    {
        var ml = new MLContext(1);
        var estimator = Assert.IsType<ForecastByLstmEstimator>(ml.Forecasting.ForecastByLstm("X", 12, horizon: 3, inputColumnNames: new[] { "X", "C" }, seed: 9));
        var o = estimator.Options;
        Assert.Equal(("X", (string?)null, 3, 12, 9), (o.TargetColumnName, o.SeriesColumnName, o.Horizon, o.WindowSize, o.Seed));
        Assert.Equal(new[] { "X", "C" }, o.InputColumnNames);

        var ml2 = new MLContext(1);
        using var fitted = (TransformerChain<LstmForecastingTransformer>)Estimator(ml2, 3).Fit(Series(ml2));
        var steps = fitted.ToArray();
        Assert.Equal(3, steps.Length);
        var window = Assert.IsType<SlidingWindowTransformer>(steps[0]);
        Assert.IsType<NormalizeWindowsTransformer>(steps[1]);
        Assert.Equal(Window, window.WindowSize);
        Assert.Equal(3, window.Horizon);
        var selection = fitted.LastTransformer.Settings.CandidateSelection!;
        Assert.Equal(selection.Chosen.Normalization, fitted.LastTransformer.Settings.Normalization);
        Assert.Equal(selection.Chosen.Loss, fitted.LastTransformer.Settings.Loss);
        Assert.All(selection.Candidates, c => Assert.Equal(Window, c.WindowSize));
        Assert.Equal(2, fitted.LastTransformer.Settings.EnsembleSize);
    }

    [Fact]
    public void ScoresEvaluatesForecastsBacktestsSavesAndLoads()
    {
        var ml = new MLContext(1);
        var series = Series(ml, rows: 70);
        var model = Estimator(ml, horizon: 2).Fit(series);
        var scored = model.Transform(series);
        var scores = Scores(scored);
        Assert.Equal(70 - Window - 1, scores.Length);
        Assert.All(scores, s => { Assert.Equal(2, s.Length); Assert.All(s, v => Assert.InRange(v, 50f, 150f)); });

        var metrics = ml.Forecasting.Evaluate(scored);
        Assert.Equal(scores.Length * 2L, metrics.Count);
        Assert.True(double.IsFinite(metrics.MeanAbsoluteError) && metrics.MeanAbsoluteError < 50);

        var prediction = ml.Forecasting.CreateSeriesForecaster(model).Forecast(series, 4);
        var forecast = prediction.Segments.SelectMany(s => s.Values).ToArray();
        Assert.Equal(4, forecast.Length);
        Assert.All(forecast, v => Assert.InRange(v, 50f, 150f));

        var backtest = ml.Forecasting.Backtest(Estimator(ml, horizon: 2), series, new BacktestOptions { Start = 60, Horizon = 2, Stride = 2, RetrainEvery = 0 });
        Assert.Equal(5, backtest.Folds.Count);
        Assert.False(backtest.Recursive);
        Assert.All(backtest.Folds, f => Assert.All(f.Forecast, v => Assert.InRange(v, 50f, 150f)));

        var path = TempZip("forecast-by-lstm");
        try
        {
            ml.Model.Save(model, series.Schema, path);
            var windows = ml.Transforms.SlidingWindow("Window", new[] { "X" }, Window, horizon: 2).Fit(series).Transform(series);
            var expected = Scores(model.Transform(windows));
            var stock = new MLContext().Model.Load(path, out _);
            var stockScores = Scores(stock.Transform(windows));
            Assert.Equal(expected.Length, stockScores.Length);
            for (int i = 0; i < expected.Length; i++)
                for (int k = 0; k < 2; k++)
                    Assert.Equal(expected[i][k], stockScores[i][k], 2e-3f); // z-score sums in float32 in ONNX Runtime (docs/windows.md)
            var ours = new MLContext().Forecasting.LoadModel(path);
            AssertBitwise(Scores(model.Transform(series)), Scores(ours.Transform(series)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UsesTheGivenInputColumnsAndChecksThem()
    {
        var ml = new MLContext(1);
        using var fitted = (TransformerChain<LstmForecastingTransformer>)Estimator(ml, 1, new[] { "C", "X" }).Fit(Series(ml));
        Assert.Equal(2, fitted.LastTransformer.Settings.FeatureCount);
        Assert.Equal(1, fitted.LastTransformer.Settings.TargetIndex);

        var missing = Assert.Throws<ArgumentException>(() => ml.Forecasting.ForecastByLstm("X", 8, inputColumnNames: new[] { "C" }));
        Assert.Contains("must contain the target column 'X'", missing.Message);
        var window = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm("X", 1));
        Assert.Contains("windowSize must be at least 2", window.Message);
        var horizon = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm("X", 8, horizon: 0));
        Assert.Contains("horizon must be at least 1", horizon.Message);
    }
}
