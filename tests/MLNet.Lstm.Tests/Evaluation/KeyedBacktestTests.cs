using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Evaluation;

/// <summary>
/// Backtests of a global model over several series (SlidingWindow's SeriesColumnName) and of models with known-future
/// covariates, with models whose forecasts are known exactly (<see cref="DriftEstimator"/>, and a model whose forecast
/// is its known-future covariate).
/// </summary>
public class KeyedBacktestTests
{
    private sealed class Row
    {
        public string Key { get; set; } = "";
        public float X { get; set; }
        public float M { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    // a: squares 0 .. 121 (12 rows); b: 9 rows; c: 5 rows (too short for a fold at Start 4 with Horizon 2).
    private static readonly float[] A = Enumerable.Range(0, 12).Select(i => (float)(i * i)).ToArray();
    private static readonly float[] B = { 5, 3, 8, 1, 9, 2, 7, 4, 6 };
    private static readonly float[] C = { 1, 2, 3, 4, 5 };

    private static IDataView Data(params (string Key, float[] X)[] series) => Ml.Data.LoadFromEnumerable(
        series.SelectMany(s => s.X.Select((x, i) => new Row { Key = s.Key, X = x, M = (s.Key == "b" ? 200 : 100) + (s.Key == "b" ? 2 : 1) * i })).ToArray());

    private static IDataView Abc() => Data(("a", A), ("b", B), ("c", C));

    /// <summary>SlidingWindow(X; key Key; T 2, h 2) then the drift model (drift learnt when <paramref name="fixedDrift"/> is null).</summary>
    private static IEstimator<ITransformer> Keyed(out DriftEstimator model, float? fixedDrift = null)
    {
        model = new DriftEstimator(2, 1, 0, 2) { FixedDrift = fixedDrift };
        return Ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: 2, horizon: 2, seriesColumnName: "Key").Append(model);
    }

    [Fact]
    public void KeyedFoldsAndMetricsMatchHandComputation()
    {
        var r = Ml.Forecasting.Backtest(Keyed(out var model), Abc(), new BacktestOptions { Start = 4, Horizon = 2, Stride = 3 });
        // Per series, starts 4, 7, 10 while s + 2 ≤ its rows: a (12) 4, 7, 10; b (9) 4, 7; c (5) none.
        Assert.Equal(new[] { ("a", 4), ("b", 4), ("a", 7), ("b", 7), ("a", 10) }, r.Folds.Select(f => (f.SeriesKey!, f.Start)));
        Assert.Equal(new[] { "c" }, r.SkippedSeries);
        Assert.All(r.Folds, f => Assert.Equal(4, f.TrainingEnd));
        Assert.Equal(1, r.Fits);
        Assert.False(r.Recursive);
        Assert.Equal("Key", r.Windowing.SeriesColumnName);
        // One pooled fit on rows [0, 4) of every series: one window each; drift = mean(4 - 1, 8 - 3, 3 - 2) = 3; the
        // largest value seen is a[3] = 9 (a[4] = 16 would show a look past the fold's start).
        var fit = Assert.Single(model.Fits);
        Assert.Equal(3, fit.Windows);
        Assert.Equal(3f, fit.Drift, 5);
        Assert.Equal(9f, fit.MaxAbs);
        foreach (var fold in r.Folds)
        {
            var x = fold.SeriesKey == "a" ? A : B;
            Assert.Equal(x[fold.Start..(fold.Start + 2)], fold.Actual);
            Assert.Equal(x[fold.Start - 1], fold.LastObserved);
            Assert.Equal(new[] { x[fold.Start - 1] + 3, x[fold.Start - 1] + 6 }, fold.Forecast);
        }
        // Errors: a 4, 10 | 10, 22 | 16, 34 (sum 96); b 5, 5 | 6, 7 (sum 23). Persistence: a 7, 16 | 13, 28 | 19, 40 (123); b 8, 1 | 3, 1 (13).
        Assert.Equal(119.0 / 10, r.Metrics.MeanAbsoluteError, 6);
        Assert.Equal(136.0 / 10, r.Metrics.Persistence!.MeanAbsoluteError, 6);
        Assert.Equal(new[] { "a", "b" }, r.Metrics.PerSeries!.Keys);
        Assert.Equal(16.0, r.Metrics.PerSeries["a"].MeanAbsoluteError, 6);
        Assert.Equal(6, r.Metrics.PerSeries["a"].Count);
        Assert.Equal(20.5, r.Metrics.PerSeries["a"].Persistence!.MeanAbsoluteError, 6);
        Assert.Equal(5.75, r.Metrics.PerSeries["b"].MeanAbsoluteError, 6);
        Assert.Equal(3.25, r.Metrics.PerSeries["b"].Persistence!.MeanAbsoluteError, 6);
        Assert.Equal(23.0 / 13, r.Metrics.PerSeries["b"].MeanAbsoluteScaledError!.Value, 6);
        // Step 2 alone: a 10, 22, 34; b 5, 7.
        Assert.Equal(78.0 / 5, r.LastPoints.MeanAbsoluteError, 6);
        Assert.Equal(22.0, r.LastPoints.PerSeries!["a"].MeanAbsoluteError, 6);
        Assert.Equal(6.0, r.LastPoints.PerSeries["b"].MeanAbsoluteError, 6);
    }

    [Fact]
    public void EveryRefitSeesTheRowsBeforeItsStartOfEverySeries()
    {
        var progress = new List<BacktestProgress>();
        var r = Ml.Forecasting.Backtest(Keyed(out var model), Abc(),
            new BacktestOptions { Start = 4, Horizon = 2, Stride = 3, RetrainEvery = 1, Progress = new SyncProgress(progress.Add) });
        Assert.Equal(3, r.Fits);
        Assert.Equal(new[] { 4, 4, 7, 7, 10 }, r.Folds.Select(f => f.TrainingEnd));
        // Fit at 7: a and b 7 - 4 + 1 = 4 windows each, c (5 rows) 2; at 10: a 7, b all 9 rows 6, c 2.
        Assert.Equal(new[] { 3, 10, 15 }, model.Fits.Select(f => f.Windows));
        Assert.Equal(new[] { 9f, 36f, 81f }, model.Fits.Select(f => f.MaxAbs));
        // Drifts: (3 + 5 + 1) / 3; a 3+5+7+9, b 5-7+8-7, c 1+1 over 10; a 3+..+15 = 63, b 1, c 2 over 15.
        Assert.Equal(new[] { 3f, 2.5f, 4.4f }, model.Fits.Select(f => f.Drift), new ToleranceComparer(1e-5f));
        Assert.Equal(81 + 4.4f, r.Folds[^1].Forecast[0], 4);
        Assert.Equal(new[] { "a", "b", "a", "b", "a" }, progress.Select(p => p.SeriesKey));
        Assert.All(progress, p => Assert.Equal(5, p.TotalFolds));
        Assert.Equal(new[] { 1, 1, 2, 2, 3 }, progress.Select(p => p.Fits));
    }

    [Fact]
    public void RecursiveKeyedFoldsMatchTheDirectOnes()
    {
        // Horizon-1 drift model, Horizon 2: the second step adds the drift to the first prediction, as the direct model does.
        var recursiveModel = new DriftEstimator(2, 1, 0, 1) { FixedDrift = 0.5f };
        var recursive = Ml.Forecasting.Backtest(
            Ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: 2, horizon: 1, seriesColumnName: "Key").Append(recursiveModel),
            Abc(), new BacktestOptions { Start = 4, Horizon = 2, Stride = 3 });
        var direct = Ml.Forecasting.Backtest(Keyed(out _, fixedDrift: 0.5f), Abc(), new BacktestOptions { Start = 4, Horizon = 2, Stride = 3 });
        Assert.True(recursive.Recursive);
        Assert.Equal(direct.Folds.Select(f => (f.SeriesKey, f.Start)), recursive.Folds.Select(f => (f.SeriesKey, f.Start)));
        Assert.Equal(direct.Folds.Select(f => f.Forecast), recursive.Folds.Select(f => f.Forecast));
        Assert.Equal(new[] { 9.5f, 10f }, recursive.Folds[0].Forecast);
    }

    [Fact]
    public void KeyErrorsAreClear()
    {
        var reappears = Data(("a", A[..6]), ("b", B), ("a", A[6..]));
        var order = Assert.Throws<InvalidOperationException>(() =>
            Ml.Forecasting.Backtest(Keyed(out _), reappears, new BacktestOptions { Start = 4, Horizon = 2 }));
        Assert.Contains("series key 'a'", order.Message);
        Assert.Contains("reappears at row 15", order.Message);

        var late = Keyed(out var model);
        var tooLate = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.Forecasting.Backtest(late, Abc(), new BacktestOptions { Start = 11, Horizon = 2 }));
        Assert.Contains("BacktestOptions.Start is 11", tooLate.Message);
        Assert.Contains("the longest series, 'a', has 12 row(s)", tooLate.Message);
        Assert.Contains("Use Start ≤ 10", tooLate.Message);
        Assert.Empty(model.Fits);

        var bounds = Assert.Throws<ArgumentException>(() =>
            Ml.Forecasting.Backtest(Keyed(out _), Abc(), new BacktestOptions { Start = 4, Horizon = 2, IntervalLevel = 0.9 }));
        Assert.Contains("ForecastBySeries", bounds.Message);

        var nan = B.ToArray();
        nan[5] = float.NaN; // an actual of b's fold at 4 (skipped by the metrics), and in the window [5, 7) of its fold at 7
        var missing = Assert.Throws<InvalidOperationException>(() =>
            Ml.Forecasting.Backtest(Keyed(out _), Data(("a", A), ("b", nan)), new BacktestOptions { Start = 4, Horizon = 2, Stride = 3 }));
        Assert.Contains("Column 'X' is NaN at row 5 of series 'b' (row 17 of the data)", missing.Message);
        Assert.Contains("fold starting at row 7", missing.Message);
    }

    [Fact]
    public void AWrappedKeyedPipelineIsRefusedAfterItsFirstFit()
    {
        var wrapped = new Wrapper(Keyed(out _));
        var error = Assert.Throws<NotSupportedException>(() => Ml.Forecasting.Backtest(wrapped, Abc(), new BacktestOptions { Start = 4, Horizon = 2 }));
        Assert.Contains("series key column 'Key'", error.Message);
        Assert.Contains("could not see that step before fitting", error.Message);
    }

    [Fact]
    public void IntegerKeysAreReadAsText()
    {
        var rows = Ml.Data.LoadFromEnumerable(A.Select((x, i) => new IntRow { Id = i < 6 ? 7 : 42, X = x }).ToArray());
        var pipeline = Ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: 2, horizon: 1, seriesColumnName: "Id")
            .Append(new DriftEstimator(2, 1, 0, 1) { FixedDrift = 0 });
        var r = Ml.Forecasting.Backtest(pipeline, rows, new BacktestOptions { Start = 3, Horizon = 1, Stride = 2 });
        // 6 rows each: starts 3, 5 per key; persistence model, so the error is |x[s] - x[s - 1]|.
        Assert.Equal(new[] { ("7", 3), ("42", 3), ("7", 5), ("42", 5) }, r.Folds.Select(f => (f.SeriesKey!, f.Start)));
        Assert.Equal(A[6 + 5], r.Folds[3].Actual[0]);
        Assert.Equal((5 + 9) / 2.0, r.Metrics.PerSeries!["7"].MeanAbsoluteError, 6);
    }

    private sealed class IntRow
    {
        public int Id { get; set; }
        public float X { get; set; }
    }

    // ---- known-future covariates: the model forecasts step k as the covariate M at that step ----

    private static IEstimator<ITransformer> FutureEcho(int horizon, string? key)
    {
        var window = Ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options
        {
            InputColumnNames = new[] { "X" },
            WindowSize = 2,
            Horizon = horizon,
            SeriesColumnName = key,
            FutureCovariateColumnNames = new[] { "M" },
        });
        var input = SchemaDefinition.Create(typeof(EchoIn));
        input["Window"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2, 1);
        input["Future"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, horizon, 1);
        var output = SchemaDefinition.Create(typeof(EchoOut));
        output["Score"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, horizon);
        return window.Append(Ml.Transforms.CustomMapping<EchoIn, EchoOut>((i, o) => o.Score = i.Future.ToArray(), null, input, output));
    }

    public sealed class EchoIn
    {
        public float[] Window { get; set; } = Array.Empty<float>();
        public float[] Future { get; set; } = Array.Empty<float>();
    }

    public sealed class EchoOut
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    [Theory]
    [InlineData(3, 2)] // direct: the model's Future covers 3 steps, the backtest forecasts 2
    [InlineData(1, 3)] // recursive: one step of M per call
    public void KnownFutureCovariatesComeFromTheFoldsRows(int modelHorizon, int horizon)
    {
        // a: M = 100 + i (12 rows), b: M = 200 + 2i (9 rows). A fold needs M for 3 steps from its start (h·ceil(Horizon / h)),
        // so the starts are 6, 7, 8, 9 for a (s + 3 ≤ 12) and 6 for b (s + 3 ≤ 9), although s + 2 ≤ 12 would allow 10.
        var r = Ml.Forecasting.Backtest(FutureEcho(modelHorizon, "Key"), Data(("a", A), ("b", B)),
            new BacktestOptions { Start = 6, Horizon = horizon, Stride = 1 });
        Assert.Equal(modelHorizon < horizon, r.Recursive);
        Assert.Equal(new[] { ("a", 6), ("b", 6), ("a", 7), ("a", 8), ("a", 9) }, r.Folds.Select(f => (f.SeriesKey!, f.Start)));
        foreach (var fold in r.Folds)
        {
            var expected = Enumerable.Range(fold.Start, horizon).Select(i => fold.SeriesKey == "a" ? 100f + i : 200f + 2 * i);
            Assert.Equal(expected, fold.Forecast);
        }
        Assert.Equal("Future", r.Windowing.FutureColumnName);
        Assert.Empty(r.SkippedSeries);
    }

    [Fact]
    public void OneSeriesWithKnownFutureCovariates()
    {
        var r = Ml.Forecasting.Backtest(FutureEcho(2, key: null), Data(("a", A)), new BacktestOptions { Start = 4, Horizon = 2, Stride = 3 });
        Assert.Equal(new[] { 4, 7, 10 }, r.Folds.Select(f => f.Start));
        Assert.All(r.Folds, f => Assert.Null(f.SeriesKey));
        Assert.Equal(new[] { 104f, 105 }, r.Folds[0].Forecast);
        Assert.Null(r.Metrics.PerSeries);
        // Errors 16 - 104, 25 - 105 | 49 - 107, 64 - 108 | 100 - 110, 121 - 111.
        Assert.Equal((88 + 80 + 58 + 44 + 10 + 10) / 6.0, r.Metrics.MeanAbsoluteError, 5);

        var tooLate = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.Forecasting.Backtest(FutureEcho(3, key: null), Data(("a", A)), new BacktestOptions { Start = 10, Horizon = 2 }));
        Assert.Contains("the series has 12 row(s)", tooLate.Message);
        Assert.Contains("known-future covariates M for 3 step(s)", tooLate.Message);
        Assert.Contains("Use Start ≤ 9", tooLate.Message);
    }

    [Theory]
    [InlineData(CovariatePolicy.HoldLastValue)]
    [InlineData(CovariatePolicy.FromCaller)]
    public void RecursiveKeyedFoldsFillTheOtherInputByThePolicy(CovariatePolicy policy)
    {
        // Window (X, M), horizon 1: y = last X + last M. Step 2 feeds y back with M held (M[s - 1]) or read from row s.
        var pipeline = Ml.Transforms.SlidingWindow("Window", new[] { "X", "M" }, windowSize: 2, horizon: 1, seriesColumnName: "Key")
            .Append(new DriftEstimator(2, 2, 0, 1) { FixedDrift = 0, CovariateWeight = 1 });
        var r = Ml.Forecasting.Backtest(pipeline, Abc(), new BacktestOptions { Start = 4, Horizon = 2, Stride = 3, CovariatePolicy = policy });
        Assert.True(r.Recursive);
        foreach (var fold in r.Folds)
        {
            var (x, m) = fold.SeriesKey == "a" ? (A, (Func<int, float>)(i => 100 + i)) : (B, i => 200 + 2 * i);
            int s = fold.Start;
            float first = x[s - 1] + m(s - 1);
            Assert.Equal(first, fold.Forecast[0]);
            Assert.Equal(first + (policy == CovariatePolicy.FromCaller ? m(s) : m(s - 1)), fold.Forecast[1]);
        }
        if (policy == CovariatePolicy.FromCaller)
        {
            var rows = Ml.Data.CreateEnumerable<Row>(Abc(), reuseRowObject: false).ToArray();
            rows[7].M = float.NaN; // a's row 7: the known-in-advance input of step 2 of a's fold at 7
            var error = Assert.Throws<InvalidOperationException>(() => Ml.Forecasting.Backtest(pipeline, Ml.Data.LoadFromEnumerable(rows),
                new BacktestOptions { Start = 4, Horizon = 2, Stride = 3, CovariatePolicy = policy }));
            Assert.Contains("Column 'M' is NaN at row 7 of series 'a' (row 7 of the data), an input read as known in advance", error.Message);
        }
    }

    [Fact]
    public void AMissingKnownFutureValueIsAClearError()
    {
        var rows = Ml.Data.CreateEnumerable<Row>(Data(("a", A), ("b", B)), reuseRowObject: false).ToArray();
        rows[12 + 7].M = float.NaN; // b's row 7: the Future of b's fold at 6 (rows 6 .. 8)
        var error = Assert.Throws<InvalidOperationException>(() => Ml.Forecasting.Backtest(FutureEcho(3, "Key"), Ml.Data.LoadFromEnumerable(rows),
            new BacktestOptions { Start = 6, Horizon = 2 }));
        Assert.Contains("Column 'M' is NaN at row 7 of series 'b' (row 19 of the data), a known-future covariate", error.Message);
        Assert.Contains("fold starting at row 6", error.Message);
    }

    private sealed class Wrapper(IEstimator<ITransformer> inner) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input) => inner.Fit(input);

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inner.GetOutputSchema(inputSchema);
    }

    private sealed class SyncProgress(Action<BacktestProgress> report) : IProgress<BacktestProgress>
    {
        public void Report(BacktestProgress value) => report(value);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
