using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Search;
using MLNet.Lstm.Training;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>
/// <c>ForecastByLstm(ForecastByLstmOptions)</c>: the one call for many series, its configuration chosen on each series'
/// last rows held out (docs/trainer.md, "The one call"), on tiny keyed data with shortened fits.
/// </summary>
public class ForecastByLstmSearchTests
{
    private const int Horizon = 2;

    /// <summary>Short fits for the tests: 3 epochs, a layer of 8, batch 32, one final network.</summary>
    internal static readonly ForecastByLstmSearchSettings Tiny = new()
    {
        Epochs = 3, Patience = 2, HiddenSizeOneSeries = 8, HiddenSizeManySeries = 8, MinBatchSize = 32, MaxBatchSize = 32, FinalEnsembleSize = 1,
    };

    public sealed class Row
    {
        public string K { get; set; } = "";
        public float X { get; set; }
    }

    /// <summary>Positive seasonal series (period 6) with a trend and noise, one block of rows per key.</summary>
    private static List<Row> Rows(int series = 3, int length = 48, int seed = 4)
    {
        var rng = new Random(seed);
        var rows = new List<Row>();
        for (int s = 0; s < series; s++)
        {
            double level = 50 + 20 * s;
            for (int t = 0; t < length; t++)
                rows.Add(new Row { K = $"s{s}", X = (float)(level + 0.3 * t + 8 * Math.Sin(2 * Math.PI * t / 6) + rng.NextDouble() * 2) });
        }
        return rows;
    }

    private static ForecastByLstmEstimator Estimator(MLContext ml, string? key = "K", int windowSize = 0, TimeSpan? budget = null, int seed = 3)
    {
        var estimator = (ForecastByLstmEstimator)ml.Forecasting.ForecastByLstm(new ForecastByLstmOptions
        {
            TargetColumnName = "X", SeriesColumnName = key, Horizon = Horizon, WindowSize = windowSize, Seed = seed, TimeBudget = budget,
        });
        estimator.SearchSettings = Tiny;
        return estimator;
    }

    [Fact]
    public void ReportsEveryCandidateAndTheFirstCandidatesErrorIsTheHandComputedHoldOutSmape()
    {
        var ml = new MLContext(1);
        var rows = Rows();
        using var model = Estimator(ml).Fit(ml.Data.LoadFromEnumerable(rows));
        var selection = model.LastTransformer.Settings.CandidateSelection!;

        Assert.Equal("sMAPE", selection.Metric);
        Assert.Equal(3, selection.ValidationItems);
        // Normalisation (2), losses (Mae, Mse, Mase), seasonal (the detected period p ≥ horizon 2), window (2p and 3p): 6 candidates.
        int p = selection.Candidates.Max(c => c.SeasonalPeriod), window = selection.Candidates[0].WindowSize;
        Assert.True(p >= Horizon);
        Assert.Equal(2 * p, window);
        Assert.Equal(new[] { $"RelativeToLast, Mae, plain, window {window}", $"ZScore, Mae, plain, window {window}" }, selection.Candidates.Take(2).Select(c => c.Name));
        Assert.Equal(6, selection.Candidates.Count);
        Assert.Equal(6, selection.Candidates.Select(c => c.Name).Distinct().Count());
        Assert.All(selection.Candidates, c => { Assert.Null(c.Skipped); Assert.InRange(c.ValidationError, 0, 200); });
        Assert.Contains(selection.Candidates, c => c.Loss == LstmLoss.Mase);
        Assert.Equal(new[] { 2 * p, 3 * p }, selection.Candidates.Select(c => c.WindowSize).Distinct().Order());
        var chosen = selection.Chosen;
        Assert.Equal(chosen.WindowSize, Assert.IsType<SlidingWindowTransformer>(model.First()).WindowSize);
        Assert.Equal(chosen.Normalization, model.LastTransformer.Settings.Normalization);
        Assert.Equal(chosen.Loss, model.LastTransformer.Settings.Loss);
        Assert.Equal(chosen.SeasonalPeriod, model.LastTransformer.Settings.SeasonalPeriod);

        // The first candidate by hand: train on every series without its last HeldOutRows rows, stop early on the last
        // k windows of each series, score them and average each series' sMAPE over its k·h points.
        int tail = selection.HeldOutRows, k = tail - Horizon + 1;
        Assert.InRange(k, 1, 7); // ceil(20 / 3 series) = 7 windows per series, at most a fifth of the longest series' windows
        var first = selection.Candidates[0];
        var train = ml.Data.LoadFromEnumerable(rows.GroupBy(r => r.K).SelectMany(g => g.Take(g.Count() - tail)).ToList());
        var holdOut = ml.Data.LoadFromEnumerable(rows.GroupBy(r => r.K).SelectMany(g => g.Skip(g.Count() - tail - window)).ToList());
        var prefix = ml.Transforms.SlidingWindow("Window", new[] { "X" }, window, Horizon, seriesColumnName: "K")
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.RelativeToLast)).Fit(train);
        var validation = prefix.Transform(holdOut);
        using var lstm = ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
        {
            HiddenSizes = new[] { 8 }, Dropout = 0, Epochs = 3, BatchSize = 32, LearningRate = 3e-3f, Loss = LstmLoss.Mae,
            ValidationSet = validation, EarlyStoppingPatience = 2, RestoreBestWeights = true, Seed = 3,
            Device = new TorchDeviceOptions { Threads = 1 },
        }).Fit(prefix.Transform(train));
        var forecasts = MLNet.Lstm.Tests.Onnx.SavedModelTestUtil.Scores(lstm.Transform(validation));
        Assert.Equal(3 * k, forecasts.Length);
        var perSeries = rows.GroupBy(r => r.K).Select((g, s) =>
        {
            var y = g.Select(r => (double)r.X).ToArray();
            double sum = 0;
            for (int j = 0; j < k; j++)
                for (int step = 0; step < Horizon; step++)
                {
                    double actual = y[y.Length - tail + j + step], f = forecasts[s * k + j][step];
                    sum += 200 * Math.Abs(actual - f) / (Math.Abs(actual) + Math.Abs(f));
                }
            return sum / (k * Horizon);
        });
        Assert.Equal(perSeries.Average(), first.ValidationError, 9);
    }

    [Fact]
    public void TheRuleKeepsThePreferredCandidateUnlessAnotherIsBetterByMoreThanOneStandardError()
    {
        // B is lower by 0.5 on every item: standard error 0, so B wins.
        var (chosen, se) = CandidateSelectionRule.Choose(new double[]?[] { new[] { 1.0, 2, 3 }, new[] { 0.5, 1.5, 2.5 } });
        Assert.Equal(1, chosen);
        Assert.Equal(new[] { 0.0, 0.0 }, se);
        // B is lower by 0.1 on average, but the differences (0.6, -0.4, 0.1) have a standard error of sqrt(0.25/3) ≈ 0.289 > 0.1: A is kept.
        (chosen, se) = CandidateSelectionRule.Choose(new double[]?[] { new[] { 1.0, 2, 3 }, new[] { 0.4, 2.4, 2.9 } });
        Assert.Equal(0, chosen);
        Assert.Equal(Math.Sqrt(0.25 / 3), se[0], 12);
        // A candidate without errors (skipped) is never kept; none at all is an error.
        (chosen, _) = CandidateSelectionRule.Choose(new double[]?[] { null, new[] { 5.0, 6 } });
        Assert.Equal(1, chosen);
        Assert.Throws<ArgumentException>(() => CandidateSelectionRule.Choose(new double[]?[] { null, null }));
    }

    [Fact]
    public void TheTimeBudgetStopsTheSearchAfterTheFirstCandidate()
    {
        var ml = new MLContext(1);
        using var model = Estimator(ml, windowSize: 12, budget: TimeSpan.FromTicks(1)).Fit(ml.Data.LoadFromEnumerable(Rows()));
        var selection = model.LastTransformer.Settings.CandidateSelection!;
        Assert.Equal(0, selection.ChosenIndex);
        Assert.Null(selection.Candidates[0].Skipped);
        Assert.True(selection.Candidates.Count > 1);
        Assert.All(selection.Candidates.Skip(1), c => { Assert.Contains("time budget", c.Skipped); Assert.True(double.IsNaN(c.ValidationError)); });
        Assert.Equal(12, ((SlidingWindowTransformer)model.First()).WindowSize);
    }

    [Fact]
    public void KeyedDataWithOneSeriesGivesTheModelOfUnkeyedData()
    {
        var ml = new MLContext(1);
        var rows = Rows(series: 1, length: 60);
        var keyed = ml.Data.LoadFromEnumerable(rows);
        var plain = ml.Data.LoadFromEnumerable(rows.Select(r => new { r.X }).ToList());
        using var a = Estimator(ml, key: "K", windowSize: 12).Fit(keyed);
        using var b = Estimator(ml, key: null, windowSize: 12).Fit(plain);
        var ea = a.LastTransformer.Settings.CandidateSelection!.Candidates.Select(c => (c.Name, c.ValidationError));
        var eb = b.LastTransformer.Settings.CandidateSelection!.Candidates.Select(c => (c.Name, c.ValidationError));
        Assert.Equal(eb, ea);
        var fa = ml.Forecasting.CreateSeriesForecaster(a).ForecastBySeries(keyed, 4)["s0"].Segments[0].Values;
        var fb = ml.Forecasting.CreateSeriesForecaster(b).Forecast(plain, 4).Segments[0].Values;
        Assert.Equal(fb, fa);
    }

    [Fact]
    public void BadInputIsNamed()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        var missing = Assert.Throws<ArgumentException>(() => Estimator(ml, key: "Store").Fit(data));
        Assert.Contains("no series key column 'Store' (SeriesColumnName)", missing.Message);

        var rows = Rows();
        (rows[10], rows[60]) = (rows[60], rows[10]); // a row of s1 inside s0
        var order = Assert.Throws<InvalidOperationException>(() => Estimator(ml).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("reappears at row", order.Message);

        var shortRows = Rows(series: 2, length: 10);
        var tooShort = Assert.Throws<ArgumentException>(() => Estimator(ml, windowSize: 8).Fit(ml.Data.LoadFromEnumerable(shortRows)));
        Assert.Contains("too short for the window 8 and horizon 2", tooShort.Message);
        Assert.Contains("the series have 10 to 10 rows", tooShort.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm(new ForecastByLstmOptions { TargetColumnName = "X", Horizon = 0 }));
        var window = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Forecasting.ForecastByLstm(new ForecastByLstmOptions { TargetColumnName = "X", WindowSize = 1 }));
        Assert.Contains("WindowSize must be 0 (chosen by validation) or at least 2", window.Message);
    }

    [Fact]
    public void TheFittedChainForecastsEverySeriesBacktestsSavesLoadsAndExports()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        using var model = Estimator(ml, windowSize: 12).Fit(data);
        var forecasts = ml.Forecasting.CreateSeriesForecaster(model).ForecastBySeries(data, 4);
        Assert.Equal(new[] { "s0", "s1", "s2" }, forecasts.Keys.Order());
        Assert.All(forecasts.Values, p => Assert.All(p.Segments[0].Values, v => Assert.InRange(v, 10f, 200f)));

        var path = Path.Combine(Path.GetTempPath(), $"forecast-by-lstm-search-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = ml.Forecasting.LoadModel(path);
            var again = ml.Forecasting.CreateSeriesForecaster(loaded).ForecastBySeries(data, 4);
            foreach (var key in forecasts.Keys)
                Assert.Equal(forecasts[key].Segments[0].Values, again[key].Segments[0].Values);
        }
        finally
        {
            File.Delete(path);
        }
        using var onnx = new MemoryStream();
        ml.Forecasting.ExportOnnx(model, onnx);
        Assert.True(onnx.Length > 1000);

        var estimator = Estimator(ml, windowSize: 12, budget: TimeSpan.FromTicks(1));
        var backtest = ml.Forecasting.Backtest(estimator, data, new BacktestOptions { Start = 40, Horizon = 2, Stride = 4, RetrainEvery = 0 });
        Assert.Equal(3 * 2, backtest.Folds.Count); // starts 40 and 44 for each of the 3 series
        Assert.All(backtest.Folds, f => Assert.All(f.Forecast, v => Assert.InRange(v, 10f, 200f)));
    }
}
