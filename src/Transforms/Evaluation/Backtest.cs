using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// Walk-forward evaluation of a pipeline that starts with <c>SlidingWindow</c>: fit on the rows before a fold, forecast
/// the fold's rows, compare, move on. Run it with <c>mlContext.Forecasting.Backtest</c>; see
/// <see cref="BacktestOptions"/> for the folds.
/// </summary>
/// <remarks>
/// The series is cached in memory once; each fit reads only rows before the fold's start. Direct path (the model's
/// horizon covers the backtest's): all folds of one model are scored in one batch, with the model's bounds. Recursive
/// path: each fold through <see cref="SeriesForecaster"/>, without bounds. Several series or known-future covariates:
/// BacktestBySeries.cs. See docs/intervals-and-backtesting.md, "Backtesting".
/// </remarks>
internal sealed partial class Backtest
{
    private readonly MLContext _ml = new(); // for the in-memory cache of the series only (scoring goes through WindowScorer)
    private readonly IEstimator<ITransformer> _pipeline;
    private readonly BacktestOptions _options;
    private readonly IDataView _cached;
    private readonly int _rows;
    private int _fits;

    private Backtest(IEstimator<ITransformer> pipeline, IDataView series, BacktestOptions options)
    {
        _pipeline = pipeline;
        _options = options;
        _cached = _ml.Data.Cache(series);
        _rows = CountRows(_cached);
    }

    /// <summary>Runs the backtest.</summary>
    public static BacktestResult Run(IEstimator<ITransformer> pipeline, IDataView series, BacktestOptions options)
    {
        Guard.NotNull(pipeline);
        Guard.NotNull(series);
        Guard.NotNull(options);
        options.Validate();
        var backtest = new Backtest(pipeline, series, options);
        var window = FirstSlidingWindow(pipeline);
        if (window is not null && (window.SeriesColumnName is not null || window.FutureCount > 0))
            return backtest.RunBySeries(window);
        return backtest.Run();
    }

    private int H => _options.Horizon;

    private BacktestResult Run()
    {
        var starts = FoldStarts();
        var folds = new List<BacktestFold>(starts.Length);
        SeriesForecaster? forecaster = null;
        SeriesTable? table = null;
        for (int first = 0; first < starts.Length;)
        {
            int end = _options.RetrainEvery == 0 ? starts.Length : Math.Min(starts.Length, first + _options.RetrainEvery);
            var model = Fit(_ml.Data.TakeRows(_cached, starts[first]), starts[first], isFirst: first == 0);
            try
            {
                if (first == 0)
                    CheckFirstStep(model);
                forecaster = SeriesForecaster.Create(model, _options.ScoreColumnName);
                if (first == 0)
                {
                    CheckWindowing(forecaster.Windowing, bySeries: false);
                    table = SeriesReader.Read(_cached, forecaster.Windowing.FeatureColumnNames, null, "series");
                }
                foreach (var fold in ForecastFolds(forecaster, table!, starts[first..end], starts[first]))
                {
                    folds.Add(fold);
                    _options.Progress?.Report(new BacktestProgress(folds.Count, starts.Length, _fits, fold.Start));
                }
            }
            finally
            {
                (model as IDisposable)?.Dispose(); // the models a backtest fits are its own: release their ONNX Runtime sessions
            }
            first = end;
        }
        var windowing = forecaster!.Windowing;
        return new BacktestResult(folds, Summarise(folds, H), Summarise(folds, 1), _fits, IsRecursive(windowing), windowing);
    }

    private bool IsRecursive(SeriesWindowing windowing) => windowing.Horizon < H;

    private int[] FoldStarts()
    {
        int start = _options.Start;
        CheckFoldFits(start, new FoldRoom(_rows, H, 1, "the series has", ""));
        int count = (_rows - H - start) / _options.Stride + 1;
        return Enumerable.Range(0, count).Select(i => start + i * _options.Stride).ToArray();
    }

    /// <summary>What the first fold needs of the (longest) series, for <see cref="CheckFoldFits"/>.</summary>
    /// <param name="Rows">The rows of the (longest) series.</param>
    /// <param name="Need">The rows a fold reads from its start: Horizon, or with known-future covariates h·ceil(Horizon / h).</param>
    /// <param name="Step">1, or with known-future covariates the model's horizon h (a fold reads whole multiples of h).</param>
    /// <param name="What">The series for the message, e.g. "the series has".</param>
    /// <param name="Why">Why a fold needs <paramref name="Need"/> rows, when that is more than Horizon; else empty.</param>
    private readonly record struct FoldRoom(int Rows, long Need, int Step, string What, string Why);

    /// <summary>
    /// Before any fit, in 64-bit arithmetic: the first fold (rows <c>Start .. Start + need - 1</c>) must lie inside the
    /// series. A Horizon that leaves no room for any Start (at least 1) is refused naming Horizon and its largest valid
    /// value; otherwise Start is named, with its largest valid value.
    /// </summary>
    private void CheckFoldFits(int start, FoldRoom room)
    {
        var (rows, need, step, what, why) = room;
        if (start + need <= rows)
            return;
        if (need > rows - 1)
        {
            long largest = step * ((rows - 1L) / step);
            throw new ArgumentOutOfRangeException(nameof(BacktestOptions.Horizon), H,
                $"BacktestOptions.Horizon is {H}, but {what} {rows} row(s): a fold needs {need} row(s) of its series after at least one row to fit on{why}. " +
                (largest >= 1 ? $"Use Horizon ≤ {largest} (then Start ≤ {rows} - Horizon)." : "The series is too short for any fold: give it more rows."));
        }
        throw new ArgumentOutOfRangeException(nameof(BacktestOptions.Start), start,
            $"BacktestOptions.Start is {start} with Horizon {H}, but {what} {rows} row(s): a fold needs Start + {need} = {start + need} rows of its series{why}. " +
            $"Use Start ≤ {rows - need}, or a smaller Horizon.");
    }

    private ITransformer Fit(IDataView rows, int end, bool isFirst, string ofSeries = "")
    {
        try
        {
            var model = _pipeline.Fit(rows);
            _fits++;
            return model;
        }
        catch (Exception e) when (isFirst && e is InvalidOperationException or ArgumentException)
        {
            throw new ArgumentException(
                $"BacktestOptions.Start is {end}: the first fit sees rows [0, {end}){ofSeries} only, and fitting the pipeline on them failed: " +
                $"{e.Message} Set Start to leave the pipeline enough rows to fit (window size + horizon for one training window, more " +
                "for the trainer's batches and validation split), and check that the pipeline starts with mlContext.Transforms.SlidingWindow(...).",
                nameof(BacktestOptions.Start), e);
        }
    }

    private static void CheckFirstStep(ITransformer model)
    {
        var firstStep = TransformerChains.Leaves(model).FirstOrDefault();
        if (firstStep is not SlidingWindowTransformer)
        {
            throw new ArgumentException(
                $"The pipeline starts with {firstStep?.GetType().Name ?? "nothing"}, not SlidingWindow: a backtest feeds it the raw series " +
                "and reads the windowing from its first step. Start the pipeline with mlContext.Transforms.SlidingWindow(...).Append(...).",
                "pipeline");
        }
    }

    private void CheckWindowing(SeriesWindowing windowing, bool bySeries)
    {
        if (!bySeries && (windowing.SeriesColumnName is not null || windowing.FutureColumnName is not null))
        {
            // The pipeline's first step was not visible before fitting (e.g. a custom estimator wrapping the chain), so
            // the first fit read rows [0, Start) of the whole table instead of [0, Start) of every series.
            throw new NotSupportedException(
                $"The pipeline ({_pipeline.GetType().Name}) fits a SlidingWindow with " +
                (windowing.SeriesColumnName is not null ? $"a series key column '{windowing.SeriesColumnName}'" : $"known-future covariates (column '{windowing.FutureColumnName}')") +
                ", but the backtest could not see that step before fitting, so it cannot choose the rows of each series to fit on. Pass the " +
                "estimator chain that starts with mlContext.Transforms.SlidingWindow(...) itself, not wrapped in another estimator.");
        }
        int needed = windowing.WindowSize + windowing.Horizon;
        if (_options.Start < needed)
        {
            throw new ArgumentOutOfRangeException(nameof(BacktestOptions.Start), _options.Start,
                $"BacktestOptions.Start is {_options.Start}, before the first full training window: the pipeline's window size " +
                $"{windowing.WindowSize} + horizon {windowing.Horizon} needs Start ≥ {needed}. Set Start to at least {needed}.");
        }
        bool explicitBounds = _options.LowerBoundColumnName is not null || _options.UpperBoundColumnName is not null;
        if (bySeries && (_options.IntervalLevel is not null || explicitBounds))
        {
            throw new ArgumentException(
                "The pipeline's SlidingWindow has a series key or known-future covariates, so the folds are forecast through " +
                "SeriesForecaster.ForecastBySeries, which gives no prediction bounds; IntervalLevel and the bound column names cannot be used. " +
                "Leave IntervalLevel and the bound column names unset (ForecastingEvaluator reports interval metrics per series on held-out windows).",
                nameof(BacktestOptions.IntervalLevel));
        }
        if (IsRecursive(windowing) && (_options.IntervalLevel is not null || explicitBounds))
        {
            throw new ArgumentException(
                $"BacktestOptions.Horizon is {H} but the model forecasts {windowing.Horizon} step(s), so the folds are forecast " +
                "recursively, which gives no prediction bounds; IntervalLevel and the bound column names cannot be used. " +
                $"Use Horizon ≤ {windowing.Horizon}, or leave IntervalLevel and the bound column names unset.", nameof(BacktestOptions.Horizon));
        }
    }

    private IEnumerable<BacktestFold> ForecastFolds(SeriesForecaster forecaster, SeriesTable table, int[] starts, int trainingEnd)
    {
        var w = forecaster.Windowing;
        var values = table.Rows;
        foreach (int s in starts)
        {
            table.RequireFinite(table.Spans[0], (s - w.WindowSize, s), Enumerable.Range(0, w.FeatureCount),
                $", in the window of the fold starting at row {s}. Fill or drop missing values before backtesting: every window must be complete.");
        }
        if (IsRecursive(w))
        {
            return starts.Select(s => NewFold(values, w, s, trainingEnd, ForecastRecursive(forecaster, values, s), null, null));
        }
        var windows = starts.Select(s => Window(values, s, w)).ToArray();
        var (scores, lower, upper) = ScoreWindows(forecaster.Scorer, windows);
        return starts.Select((s, i) => NewFold(values, w, s, trainingEnd, scores[i], lower?[i], upper?[i]));
    }

    private BacktestFold NewFold(float[][] values, SeriesWindowing w, int s, int trainingEnd, float[] forecast, float[]? lower, float[]? upper)
    {
        var actual = Enumerable.Range(s, H).Select(r => values[r][w.TargetIndex]).ToArray();
        return new BacktestFold(s, trainingEnd, values[s - 1][w.TargetIndex], forecast[..H], actual, lower?[..H], upper?[..H], seriesKey: null);
    }

    private static float[] Window(float[][] values, int s, SeriesWindowing w)
    {
        var window = new float[w.WindowSize * w.FeatureCount];
        for (int t = 0; t < w.WindowSize; t++)
            Array.Copy(values[s - w.WindowSize + t], 0, window, t * w.FeatureCount, w.FeatureCount);
        return window;
    }

    private float[] ForecastRecursive(SeriesForecaster forecaster, float[][] values, int s)
    {
        var w = forecaster.Windowing;
        var rows = Enumerable.Range(s - w.WindowSize, w.WindowSize).ToArray();
        var frame = new DataFrame(w.FeatureColumnNames.Select((name, f) =>
            (DataFrameColumn)new SingleDataFrameColumn(name, rows.Select(r => values[r][f]))));
        List<float[]>? future = null;
        if (_options.CovariatePolicy == CovariatePolicy.FromCaller && w.FeatureCount > 1)
        {
            // Known-in-advance covariates of rows s .. s+h-2; the target's entry is ignored by the forecaster, NaN here.
            future = Enumerable.Range(s, H - 1).Select(r =>
            {
                var row = (float[])values[r].Clone();
                row[w.TargetIndex] = float.NaN;
                return row;
            }).ToList();
        }
        return forecaster.Forecast(frame, H, _options.CovariatePolicy, future).Segments[0].Values;
    }

    /// <summary>Scores the windows of several folds in one batch; returns the score and, when present, the bounds per window.</summary>
    private (float[][] Scores, float[][]? Lower, float[][]? Upper) ScoreWindows(WindowScorer scorer, float[][] windows)
    {
        var scored = scorer.Transform(new WindowBatch(windows));
        var schema = scored.Schema;
        var score = schema.GetColumnOrNull(_options.ScoreColumnName)
            ?? throw new ArgumentException(
                $"The model has no score column '{_options.ScoreColumnName}' (BacktestOptions.ScoreColumnName). Columns: " +
                $"{string.Join(", ", schema.Select(c => c.Name))}.", nameof(BacktestOptions.ScoreColumnName));
        var lower = BoundColumn(schema, _options.LowerBoundColumnName, "LowerBound", nameof(BacktestOptions.LowerBoundColumnName));
        var upper = BoundColumn(schema, _options.UpperBoundColumnName, "UpperBound", nameof(BacktestOptions.UpperBoundColumnName));
        if ((lower is null || upper is null) && (lower is not null || upper is not null || _options.IntervalLevel is not null))
        {
            throw new ArgumentException(
                $"The model's output has {(lower is null ? "no" : "a")} lower and {(upper is null ? "no" : "an")} upper bound column; " +
                "interval metrics need both (BacktestOptions.LowerBoundColumnName / UpperBoundColumnName)" +
                (_options.IntervalLevel is double l ? $", and IntervalLevel {l} is set" : "") + ". Name both bound columns, or leave IntervalLevel unset.");
        }
        var columns = new[] { score, lower, upper }.Where(c => c is not null).Select(c => c!.Value).ToArray();
        var read = scorer.Read(scored, columns, windows.Length);
        return (read[0], lower is null ? null : read[1], upper is null ? null : read[2]);
    }

    private static DataViewSchema.Column? BoundColumn(DataViewSchema schema, string? explicitName, string defaultName, string option)
    {
        var column = schema.GetColumnOrNull(explicitName ?? defaultName);
        if (column is null && explicitName is not null)
        {
            throw new ArgumentException(
                $"BacktestOptions.{option} is '{explicitName}' but the model has no such column. Columns: " +
                $"{string.Join(", ", schema.Select(c => c.Name))}. Name the model's bound column, or leave it null to use '{defaultName}' when present.", option);
        }
        return column;
    }

    private static int CountRows(IDataView data)
    {
        long n = 0;
        using var cursor = data.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        while (cursor.MoveNext())
            n++;
        return checked((int)n);
    }

    /// <summary>
    /// The metrics of the folds' last <paramref name="steps"/> steps: all h of them, or step h alone (with steps = 1;
    /// its metrics are NaN, with Count 0, when every fold's last actual is NaN).
    /// </summary>
    /// <remarks>With <paramref name="perSeries"/>, <see cref="ForecastingMetrics.PerSeries"/> holds the metrics of each
    /// series key's folds (keys whose actuals are all NaN left out), as <see cref="ForecastingEvaluator"/> reports them.</remarks>
    private ForecastingMetrics Summarise(IReadOnlyList<BacktestFold> folds, int steps, bool perSeries = false)
    {
        var accumulator = NewAccumulator(folds, steps);
        var byKey = new Dictionary<string, ForecastingMetricsAccumulator>(StringComparer.Ordinal);
        int from = H - steps;
        foreach (var fold in folds)
        {
            string location = fold.SeriesKey is null ? $"the fold starting at row {fold.Start}" : $"the fold starting at row {fold.Start} of series '{fold.SeriesKey}'";
            accumulator.Add(fold.Actual[from..], fold.Forecast[from..], fold.LastObserved, fold.LowerBound?[from..],
                fold.UpperBound?[from..], null, location);
            if (!perSeries)
                continue;
            if (!byKey.TryGetValue(fold.SeriesKey!, out var series))
                byKey.Add(fold.SeriesKey!, series = NewAccumulator(folds, steps));
            series.Add(fold.Actual[from..], fold.Forecast[from..], fold.LastObserved, null, null, null, location);
        }
        if (accumulator.Count == 0 && steps == H)
        {
            throw new InvalidOperationException(
                $"Every actual value of the {folds.Count} fold(s) is NaN, so there is nothing to " +
                "evaluate. Fill missing values of the target, or choose Start and Horizon over rows with known values.");
        }
        var metrics = accumulator.ToMetrics();
        if (perSeries)
            metrics.PerSeries = byKey.Where(p => p.Value.Count > 0).ToDictionary(p => p.Key, p => p.Value.ToMetrics(), StringComparer.Ordinal);
        return metrics;
    }

    private ForecastingMetricsAccumulator NewAccumulator(IReadOnlyList<BacktestFold> folds, int steps)
    {
        var names = new ForecastingMetricsAccumulator.Names("actual", _options.ScoreColumnName, "last observed value",
            _options.LowerBoundColumnName ?? "LowerBound", _options.UpperBoundColumnName ?? "UpperBound", "");
        return new ForecastingMetricsAccumulator(steps, names, withPersistence: true, folds[0].LowerBound is not null, _options.IntervalLevel, null);
    }
}
