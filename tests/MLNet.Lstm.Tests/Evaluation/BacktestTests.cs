using Microsoft.ML;

namespace MLNet.Lstm.Tests.Evaluation;

/// <summary>Backtests with <see cref="DriftEstimator"/>, whose forecasts are known exactly.</summary>
public class BacktestTests
{
    private sealed class Row
    {
        public float X { get; set; }
        public float C { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static float[] Xs(int n) => Enumerable.Range(0, n).Select(i => (float)(10 + 0.5 * i + 3 * Math.Sin(i))).ToArray();

    private static float[] Cs(int n) => Enumerable.Range(0, n).Select(i => (float)(i % 5)).ToArray();

    private static IDataView Series(float[] x, float[] c) =>
        Ml.Data.LoadFromEnumerable(x.Select((v, i) => new Row { X = v, C = c[i] }).ToArray());

    private static IDataView Series(int n) => Series(Xs(n), Cs(n));

    /// <summary>SlidingWindow(X, C; target X) then the drift model; <paramref name="model"/> is the drift estimator.</summary>
    private static IEstimator<ITransformer> Pipeline(int t, int horizon, out DriftEstimator model, float? fixedDrift = null,
        float covariateWeight = 0, float halfWidth = 0)
    {
        model = new DriftEstimator(t, 2, 0, horizon) { FixedDrift = fixedDrift, CovariateWeight = covariateWeight, HalfWidth = halfWidth };
        return Ml.Transforms.SlidingWindow("Window", new[] { "X", "C" }, windowSize: t, horizon: horizon).Append(model);
    }

    [Fact]
    public void FoldStartsAndCountMatchHandComputation()
    {
        // n = 30, Horizon 4, Start 10, Stride 3: starts 10, 13, ..., while s + 4 <= 30: 10..25, floor((30-4-10)/3)+1 = 6.
        var x = Xs(30);
        var r = Ml.Forecasting.Backtest(Pipeline(3, 1, out _, fixedDrift: 0.5f), Series(30), new BacktestOptions { Start = 10, Horizon = 4, Stride = 3 });
        Assert.Equal(new[] { 10, 13, 16, 19, 22, 25 }, r.Folds.Select(f => f.Start));
        foreach (var fold in r.Folds)
        {
            Assert.Equal(x[fold.Start..(fold.Start + 4)], fold.Actual);
            Assert.Equal(x[fold.Start - 1], fold.LastObserved);
            Assert.Equal(4, fold.Forecast.Length);
            Assert.Null(fold.LowerBound);
            Assert.Null(fold.UpperBound);
        }
        Assert.Equal(24, r.Metrics.Count);
        Assert.Equal(4, r.Metrics.PerStep.Count);
        Assert.Equal(6, r.LastPoints.Count);
        Assert.Null(r.Metrics.Coverage);

        // Stride 1 and the last complete fold ends on the last row: 30 - 4 - 10 + 1 = 17 folds, the last starting at 26.
        var all = Ml.Forecasting.Backtest(Pipeline(3, 1, out _, fixedDrift: 0.5f), Series(30), start: 10, horizon: 4);
        Assert.Equal(17, all.Folds.Count);
        Assert.Equal(26, all.Folds[^1].Start);
    }

    [Fact]
    public void DirectForecastsUseTheModelFittedOnRowsBeforeStart()
    {
        const int t = 3, h = 2, start = 12;
        var x = Xs(24);
        var r = Ml.Forecasting.Backtest(Pipeline(t, h, out var model), Series(24), new BacktestOptions { Start = start, Horizon = h, Stride = 2 });
        Assert.False(r.Recursive);
        Assert.Equal(1, r.Fits);
        // Training windows on rows [0, 12): j = 0 .. 12 - 3 - 2, last row j + 2, label[0] = x[j + 3].
        int windows = start - t - h + 1;
        double drift = Enumerable.Range(0, windows).Average(j => x[j + t] - x[j + t - 1]);
        Assert.Equal(windows, model.Fits.Single().Windows);
        Assert.Equal((float)drift, model.Fits.Single().Drift, 5);
        foreach (var fold in r.Folds)
        {
            Assert.Equal(start, fold.TrainingEnd);
            for (int k = 0; k < h; k++)
                Assert.Equal(x[fold.Start - 1] + (k + 1) * model.Fits[0].Drift, fold.Forecast[k], 4);
        }
    }

    [Theory]
    [InlineData(CovariatePolicy.HoldLastValue)]
    [InlineData(CovariatePolicy.FromCaller)]
    public void RecursiveAndDirectPathsAgreeWithHandComputation(CovariatePolicy policy)
    {
        const float drift = 0.5f, w = 0.1f;
        var x = Xs(30);
        var c = Cs(30);
        var options = new BacktestOptions { Start = 15, Horizon = 3, Stride = 4, CovariatePolicy = policy };
        var recursive = Ml.Forecasting.Backtest(Pipeline(4, 1, out _, drift, w), Series(30), options);
        var direct = Ml.Forecasting.Backtest(Pipeline(4, 3, out _, drift, w), Series(30), options);
        Assert.True(recursive.Recursive);
        Assert.False(direct.Recursive);
        foreach (var fold in recursive.Folds)
        {
            // y0 = x[s-1] + d + w c[s-1]; then the predicted row's covariate is c[s-1] (held) or c[s], c[s+1] (given).
            int s = fold.Start;
            float y = x[s - 1];
            for (int k = 0; k < 3; k++)
            {
                float cov = k == 0 || policy == CovariatePolicy.HoldLastValue ? c[s - 1] : c[s + k - 1];
                y += drift + w * cov;
                Assert.Equal(y, fold.Forecast[k], 4);
            }
        }
        // The direct model extrapolates from the true last row only: x[s-1] + (k+1)(d + w c[s-1]).
        foreach (var fold in direct.Folds)
        {
            for (int k = 0; k < 3; k++)
                Assert.Equal(x[fold.Start - 1] + (k + 1) * (drift + w * c[fold.Start - 1]), fold.Forecast[k], 4);
        }
        if (policy == CovariatePolicy.HoldLastValue)
            Assert.Equal(direct.Folds.Select(f => f.Forecast), recursive.Folds.Select(f => f.Forecast), new FloatArrayComparer(1e-4f));
    }

    private sealed class FloatArrayComparer(float tolerance) : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? a, float[]? b) => a!.Length == b!.Length && a.Zip(b).All(p => Math.Abs(p.First - p.Second) <= tolerance);

        public int GetHashCode(float[] obj) => 0;
    }

    [Theory]
    [InlineData(1, 2)]   // direct, refit at every fold
    [InlineData(1, 3)]   // recursive, refit at every fold
    [InlineData(2, 3)]   // recursive, refit every other fold
    public void NoFoldReadsARowAtOrAfterItsStart(int retrainEvery, int horizon)
    {
        const int n = 40, t = 4;
        var x = Xs(n);
        var c = Cs(n);
        var clean = Ml.Forecasting.Backtest(Pipeline(t, 2, out _), Series(x, c),
            new BacktestOptions { Start = 20, Horizon = horizon, Stride = 3, RetrainEvery = retrainEvery });
        var refitted = clean.Folds.Where(f => f.TrainingEnd == f.Start).ToArray();
        Assert.True(refitted.Length >= 3);
        foreach (var fold in refitted)
        {
            // Rows at and after the fold's start: the target huge, the covariate NaN (SlidingWindow and the backtest
            // fail on a NaN they read, and a huge value read anywhere changes the forecast or the fit).
            var px = x.Select((v, i) => i >= fold.Start ? 1e30f : v).ToArray();
            var pc = c.Select((v, i) => i >= fold.Start ? float.NaN : v).ToArray();
            var poisoned = Ml.Forecasting.Backtest(Pipeline(t, 2, out var model), Series(px, pc),
                new BacktestOptions { Start = fold.Start, Horizon = horizon, Stride = n });
            var same = Assert.Single(poisoned.Folds);
            Assert.Equal(fold.Forecast, same.Forecast);
            Assert.Equal(fold.LastObserved, same.LastObserved);
            Assert.Equal(1e30f, same.Actual[0]);
            var fit = Assert.Single(model.Fits);
            Assert.True(fit.MaxAbs < 1e6f, $"the fit read a poisoned row (max |value| {fit.MaxAbs})");
            Assert.Equal(fold.Start - t - 2 + 1, fit.Windows);
        }
    }

    [Fact]
    public void RetrainEveryControlsTheFits()
    {
        // 6 folds starting at 10, 13, ..., 25 (see FoldStartsAndCountMatchHandComputation).
        foreach (var (every, fits, ends) in new[]
        {
            (0, 1, new[] { 10, 10, 10, 10, 10, 10 }),
            (1, 6, new[] { 10, 13, 16, 19, 22, 25 }),
            (2, 3, new[] { 10, 10, 16, 16, 22, 22 }),
            (4, 2, new[] { 10, 10, 10, 10, 22, 22 }),
            (9, 1, new[] { 10, 10, 10, 10, 10, 10 }),
        })
        {
            var counting = new CountingEstimator(Pipeline(3, 1, out var model));
            var r = Ml.Forecasting.Backtest(counting, Series(30), new BacktestOptions { Start = 10, Horizon = 4, Stride = 3, RetrainEvery = every });
            Assert.Equal(fits, counting.Fits);
            Assert.Equal(fits, r.Fits);
            Assert.Equal(ends, r.Folds.Select(f => f.TrainingEnd));
            // Each fit saw the windows of rows [0, end): end - T - h + 1 of them.
            Assert.Equal(ends.Distinct().Select(e => e - 3 - 1 + 1), model.Fits.Select(f => f.Windows));
        }
    }

    private sealed class CountingEstimator(IEstimator<ITransformer> inner) : IEstimator<ITransformer>
    {
        public int Fits { get; private set; }

        public ITransformer Fit(IDataView input)
        {
            Fits++;
            return inner.Fit(input);
        }

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inner.GetOutputSchema(inputSchema);
    }

    [Fact]
    public void LastPointsEqualAManualComputationFromTheFolds()
    {
        var r = Ml.Forecasting.Backtest(Pipeline(3, 4, out _), Series(40), new BacktestOptions { Start = 15, Horizon = 4, Stride = 2 });
        var actual = r.Folds.Select(f => (double)f.Actual[3]).ToArray();
        var forecast = r.Folds.Select(f => (double)f.Forecast[3]).ToArray();
        var last = r.Folds.Select(f => (double)f.LastObserved).ToArray();
        double mae = actual.Zip(forecast).Average(p => Math.Abs(p.First - p.Second));
        double mse = actual.Zip(forecast).Average(p => (p.First - p.Second) * (p.First - p.Second));
        double persistenceMae = actual.Zip(last).Average(p => Math.Abs(p.First - p.Second));
        Assert.Equal(r.Folds.Count, r.LastPoints.Count);
        Assert.Equal(mae, r.LastPoints.MeanAbsoluteError, 6);
        Assert.Equal(Math.Sqrt(mse), r.LastPoints.RootMeanSquaredError, 6);
        Assert.Equal(persistenceMae, r.LastPoints.Persistence!.MeanAbsoluteError, 6);
        Assert.Equal(mae / persistenceMae, r.LastPoints.MeanAbsoluteScaledError!.Value, 6);
        Assert.Equal(r.Metrics.PerStep[3].MeanAbsoluteError, r.LastPoints.MeanAbsoluteError, 12);
    }

    [Fact]
    public void ModelAndPersistenceMetricsMatchHandComputation()
    {
        // x = 1, 2, 4, 7, 11, 16, 22, 29; T 2, Start 4, Horizon 2, Stride 2: folds at 4 (11, 16; last 7) and 6 (22, 29; last 16).
        float[] x = { 1, 2, 4, 7, 11, 16, 22, 29 };
        var r = Ml.Forecasting.Backtest(Pipeline(2, 2, out _, fixedDrift: 0.5f), Series(x, new float[8]),
            new BacktestOptions { Start = 4, Horizon = 2, Stride = 2 });
        Assert.Equal(new[] { 7.5f, 8f }, r.Folds[0].Forecast);
        Assert.Equal(new[] { 16.5f, 17f }, r.Folds[1].Forecast);
        // model errors 3.5, 8, 5.5, 12; persistence errors 4, 9, 6, 13
        Assert.Equal(29.0 / 4, r.Metrics.MeanAbsoluteError, 10);
        Assert.Equal(32.0 / 4, r.Metrics.Persistence!.MeanAbsoluteError, 10);
        Assert.Equal(29.0 / 32, r.Metrics.MeanAbsoluteScaledError!.Value, 10);
        Assert.Equal(4.5, r.Metrics.PerStep[0].MeanAbsoluteError, 10);          // (3.5 + 5.5) / 2
        Assert.Equal(10.0, r.Metrics.PerStep[1].MeanAbsoluteError, 10);         // (8 + 12) / 2
        Assert.Equal(5.0, r.Metrics.PersistencePerStep![0].MeanAbsoluteError, 10); // (4 + 6) / 2
        Assert.Equal(11.0, r.Metrics.PersistencePerStep[1].MeanAbsoluteError, 10); // (9 + 13) / 2
        Assert.Equal(10.0, r.LastPoints.MeanAbsoluteError, 10);
        Assert.Equal(11.0, r.LastPoints.Persistence!.MeanAbsoluteError, 10);
    }

    [Fact]
    public void BoundsAreReadAndScored()
    {
        // Same folds as above; bounds = forecast -+ (k+1) * 4: fold 4: [3.5, 11.5] (11 in), [0, 16] (16 in);
        // fold 6: [12.5, 20.5] (22 above by 1.5), [9, 25] (29 above by 4).
        float[] x = { 1, 2, 4, 7, 11, 16, 22, 29 };
        var r = Ml.Forecasting.Backtest(Pipeline(2, 2, out _, fixedDrift: 0.5f, halfWidth: 4), Series(x, new float[8]),
            new BacktestOptions { Start = 4, Horizon = 2, Stride = 2, IntervalLevel = 0.8 });
        Assert.Equal(new[] { 3.5f, 0f }, r.Folds[0].LowerBound);
        Assert.Equal(new[] { 11.5f, 16f }, r.Folds[0].UpperBound);
        Assert.Equal(0.5, r.Metrics.Coverage!.Value, 12);
        Assert.Equal((8 + 16 + 8 + 16) / 4.0, r.Metrics.MeanIntervalWidth!.Value, 12);
        // Winkler at alpha 0.2 (2/alpha = 10): 8, 16, 8 + 15, 16 + 40
        Assert.Equal((8 + 16 + 23 + 56) / 4.0, r.Metrics.IntervalScore!.Value, 6);
        Assert.Equal(0.5, r.LastPoints.Coverage!.Value, 12);
        Assert.Equal(0.8, r.Metrics.IntervalLevel);
        Assert.Equal(0.5, r.Metrics.PerStep[0].Coverage!.Value, 12);     // step 1: 11 in, 22 out
        Assert.Equal(16.0, r.Metrics.PerStep[1].MeanIntervalWidth!.Value, 12); // step 2: 2 * 2 * 4 wide in both folds
        Assert.Null(r.Metrics.Persistence!.Coverage);
    }

    private sealed class ListProgress : IProgress<BacktestProgress>
    {
        public List<BacktestProgress> Reports { get; } = new();

        public void Report(BacktestProgress value) => Reports.Add(value);
    }

    [Fact]
    public void ProgressReportsEveryFold()
    {
        var progress = new ListProgress();
        var r = Ml.Forecasting.Backtest(Pipeline(3, 1, out _), Series(30),
            new BacktestOptions { Start = 10, Horizon = 4, Stride = 3, RetrainEvery = 2, Progress = progress });
        Assert.Equal(Enumerable.Range(1, 6), progress.Reports.Select(p => p.CompletedFolds));
        Assert.All(progress.Reports, p => Assert.Equal(6, p.TotalFolds));
        Assert.Equal(new[] { 1, 1, 2, 2, 3, 3 }, progress.Reports.Select(p => p.Fits));
        Assert.Equal(r.Folds.Select(f => f.Start), progress.Reports.Select(p => p.FoldStart));
    }

    [Theory]
    [InlineData("Horizon", 0)]
    [InlineData("Horizon", -2)]
    [InlineData("Stride", 0)]
    [InlineData("RetrainEvery", -1)]
    [InlineData("Start", 0)]
    public void BadOptionsAreClearErrors(string option, int value)
    {
        var options = new BacktestOptions { Start = 10, Horizon = 2 };
        typeof(BacktestOptions).GetProperty(option)!.SetValue(options, value);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Forecasting.Backtest(Pipeline(3, 1, out _), Series(30), options));
        Assert.Contains($"BacktestOptions.{option} is {value}", ex.Message);
        Assert.Equal(option, ex.ParamName);
    }

    [Fact]
    public void AStartPastTheEndIsAClearError()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.Forecasting.Backtest(Pipeline(3, 1, out _), Series(30), new BacktestOptions { Start = 28, Horizon = 4 }));
        Assert.Contains("BacktestOptions.Start is 28", ex.Message);
        Assert.Contains("30 row(s)", ex.Message);
        Assert.Contains("Use Start ≤ 26", ex.Message);
    }

    [Fact]
    public void AStartBeforeTheFirstFullWindowIsAClearError()
    {
        // window 5 + horizon 2 needs 7 rows before the first fold.
        var ex = Assert.Throws<ArgumentException>(() =>
            Ml.Forecasting.Backtest(Pipeline(5, 2, out var model), Series(30), new BacktestOptions { Start = 6, Horizon = 2 }));
        Assert.Contains("BacktestOptions.Start is 6", ex.Message);
        Assert.Contains("needs at least 7 rows", ex.Message);
        Assert.Equal("Start", ex.ParamName);

        // With trailing unlabeled windows SlidingWindow fits on T rows; the backtest still needs T + h.
        var trailing = Ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options
        {
            InputColumnNames = new[] { "X", "C" },
            WindowSize = 5,
            Horizon = 2,
            IncludeUnlabeledTrailingWindows = true,
        }).Append(new DriftEstimator(5, 2, 0, 2) { FixedDrift = 1 });
        var early = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.Forecasting.Backtest(trailing, Series(30), new BacktestOptions { Start = 6, Horizon = 2 }));
        Assert.Contains("BacktestOptions.Start is 6", early.Message);
        Assert.Contains("Start ≥ 7", early.Message);
    }

    [Fact]
    public void APipelineThatDoesNotStartWithSlidingWindowIsAClearError()
    {
        var copy = Ml.Transforms.CopyColumns("Y", "X");
        var ex = Assert.Throws<ArgumentException>(() => Ml.Forecasting.Backtest(copy, Series(30), new BacktestOptions { Start = 10 }));
        Assert.Contains("not SlidingWindow", ex.Message);
        Assert.Contains("mlContext.Transforms.SlidingWindow", ex.Message);

        // A pipeline that cannot even fit on the raw series: the failure is wrapped with the fix.
        var normalizeFirst = Ml.Transforms.NormalizeWindows("Window");
        var fit = Assert.Throws<ArgumentException>(() => Ml.Forecasting.Backtest(normalizeFirst, Series(30), new BacktestOptions { Start = 10 }));
        Assert.Contains("starts with mlContext.Transforms.SlidingWindow", fit.Message);
        Assert.NotNull(fit.InnerException);
    }

    [Fact]
    public void IntervalOptionsWithoutBoundsAreClearErrors()
    {
        var noBounds = Assert.Throws<ArgumentException>(() => Ml.Forecasting.Backtest(Pipeline(3, 2, out _), Series(30),
            new BacktestOptions { Start = 10, Horizon = 2, IntervalLevel = 0.9 }));
        Assert.Contains("IntervalLevel 0.9", noBounds.Message);
        var recursive = Assert.Throws<ArgumentException>(() => Ml.Forecasting.Backtest(Pipeline(3, 1, out _, halfWidth: 1), Series(30),
            new BacktestOptions { Start = 10, Horizon = 2, IntervalLevel = 0.9 }));
        Assert.Contains("recursively", recursive.Message);
        var badLevel = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Forecasting.Backtest(Pipeline(3, 2, out _, halfWidth: 1), Series(30),
            new BacktestOptions { Start = 10, Horizon = 2, IntervalLevel = 90 }));
        Assert.Contains("IntervalLevel is 90", badLevel.Message);
        var missing = Assert.Throws<ArgumentException>(() => Ml.Forecasting.Backtest(Pipeline(3, 2, out _, halfWidth: 1), Series(30),
            new BacktestOptions { Start = 10, Horizon = 2, LowerBoundColumnName = "Lo", UpperBoundColumnName = "UpperBound" }));
        Assert.Contains("LowerBoundColumnName is 'Lo'", missing.Message);
    }

    [Fact]
    public void ANaNInAFoldsWindowIsAClearError()
    {
        var x = Xs(30);
        x[17] = float.NaN;   // inside the window [15, 18) of the fold at 18, after the fit's rows [0, 12)
        var ex = Assert.Throws<InvalidOperationException>(() =>
            Ml.Forecasting.Backtest(Pipeline(3, 1, out _), Series(x, Cs(30)), new BacktestOptions { Start = 12, Horizon = 1, Stride = 6 }));
        Assert.Contains("Column 'X' is NaN at row 17", ex.Message);
        Assert.Contains("fold starting at row 18", ex.Message);
    }
}
