using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

// The backtest of a pipeline whose SlidingWindow has a series key (several series, one global model) or known-future
// covariates: row indices count within each series, every fit reads rows [0, s) of every series, and the folds of one
// start are forecast together through SeriesForecaster.ForecastBySeries.
internal sealed partial class Backtest
{
    /// <summary>
    /// The options of the pipeline's first step when it is a <see cref="SlidingWindowEstimator"/>, directly or as the
    /// first estimator of an <see cref="EstimatorChain{TLastTransformer}"/> (nested chains included); null when it cannot
    /// be seen before fitting. <c>EstimatorChain</c> has no public list of its estimators, so its private array is read;
    /// when that fails, the backtest falls back to its single-series path, which refuses a keyed model after its first fit.
    /// </summary>
    private static SlidingWindowEstimator.Options? FirstSlidingWindow(IEstimator<ITransformer> pipeline)
    {
        object? step = pipeline;
        for (int depth = 0; depth < 32 && step is not null; depth++)
        {
            if (step is SlidingWindowEstimator window)
                return window.Settings;
            if (step is ISlidingWindowPipeline wrapped)
                return wrapped.SlidingWindowSettings;
            var type = step.GetType();
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(EstimatorChain<>))
                return null;
            var steps = type.GetField("_estimators", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(step) as IEstimator<ITransformer>[];
            step = steps is { Length: > 0 } ? steps[0] : null;
        }
        return null;
    }

    /// <summary>The rows of its series a fold needs from its start: Horizon, or with known-future covariates h·ceil(Horizon / h) (64-bit).</summary>
    private long RowsNeeded(SlidingWindowEstimator.Options window)
        => window.FutureCount > 0 ? window.Horizon * (((long)H + window.Horizon - 1) / window.Horizon) : H;

    private BacktestResult RunBySeries(SlidingWindowEstimator.Options window)
    {
        var table = ReadTable(window);
        var spans = table.Spans;
        var positions = Positions(spans, RowsNeeded(window), window);
        int need = (int)RowsNeeded(window); // at most the longest series' rows once Positions has checked it
        int total = positions.Sum(s => spans.Count(x => s + need <= x.Length));
        var folds = new List<BacktestFold>(total);
        SeriesForecaster? forecaster = null;
        string ofSeries = window.SeriesColumnName is null ? "" : " of every series";
        for (int first = 0; first < positions.Length;)
        {
            int end = _options.RetrainEvery == 0 ? positions.Length : Math.Min(positions.Length, first + _options.RetrainEvery);
            int trainingEnd = positions[first];
            var model = Fit(new RowSubsetDataView(_cached, Mask(spans, x => (0, Math.Min(trainingEnd, x.Length)))), trainingEnd, first == 0, ofSeries);
            try
            {
                if (first == 0)
                    CheckFirstStep(model);
                forecaster = SeriesForecaster.Create(model, _options.ScoreColumnName);
                if (first == 0)
                {
                    CheckWindowing(forecaster.Windowing, bySeries: true);
                }
                foreach (int s in positions[first..end])
                {
                    foreach (var fold in ForecastPosition(forecaster, table, spans.Where(x => s + need <= x.Length).ToArray(), s, need, trainingEnd))
                    {
                        folds.Add(fold);
                        _options.Progress?.Report(new BacktestProgress(folds.Count, total, _fits, s) { SeriesKey = fold.SeriesKey });
                    }
                }
            }
            finally
            {
                (model as IDisposable)?.Dispose();
            }
            first = end;
        }
        var windowing = forecaster!.Windowing;
        bool keyed = windowing.SeriesColumnName is not null;
        return new BacktestResult(folds, Summarise(folds, H, keyed), Summarise(folds, 1, keyed), _fits, IsRecursive(windowing), windowing)
        {
            SkippedSeries = spans.Where(x => _options.Start + need > x.Length).Select(x => x.ForecastKey).ToArray(),
        };
    }

    /// <summary>The fold starts (within each series): Start, Start + Stride, ... while some series has a complete fold there.</summary>
    private int[] Positions(IReadOnlyList<SeriesSpan> spans, long need, SlidingWindowEstimator.Options window)
    {
        var longest = spans.MaxBy(x => x.Length)!;
        int start = _options.Start;
        string what = longest.Key is null ? "the series has" : $"the longest series, '{longest.Key}', has";
        string why = need > H
            ? $" (the model reads its known-future covariates {string.Join(", ", window.FutureCovariateColumnNames!)} for {need} step(s) from the fold's start: its horizon {window.Horizon} × ceil(Horizon / {window.Horizon}))"
            : "";
        CheckFoldFits(start, new FoldRoom(longest.Length, need, window.FutureCount > 0 ? window.Horizon : 1, what, why));
        int count = (int)((longest.Length - need - start) / _options.Stride + 1);
        return Enumerable.Range(0, count).Select(i => start + i * _options.Stride).ToArray();
    }

    /// <summary>
    /// The data in memory (SeriesReader): the pipeline's F input columns, then its C known-future covariates, and one
    /// span per series key (one span of all rows without a key column).
    /// </summary>
    private SeriesTable ReadTable(SlidingWindowEstimator.Options window)
    {
        var names = window.InputColumnNames.Concat(window.FutureCovariateColumnNames ?? Array.Empty<string>()).ToArray();
        var table = SeriesReader.Read(_cached, names, window.SeriesColumnName, "series");
        if (table.Rows.Length == 0)
            throw new ArgumentException("The data has no rows; a backtest needs at least Start + Horizon rows per series.", "series");
        return table;
    }

    /// <summary>A row mask of the data: for each span, its rows <c>[from, to)</c> (within the span) as <paramref name="range"/> gives them.</summary>
    private bool[] Mask(IEnumerable<SeriesSpan> spans, Func<SeriesSpan, (int From, int To)> range)
    {
        var keep = new bool[_rows];
        foreach (var span in spans)
        {
            var (from, to) = range(span);
            Array.Fill(keep, true, span.FirstRow + from, Math.Max(0, to - from));
        }
        return keep;
    }

    /// <summary>
    /// The folds of every series in <paramref name="spans"/> at start <paramref name="s"/>: one batched
    /// <see cref="SeriesForecaster.ForecastBySeries"/> call over their windows (rows <c>[s - T, s)</c> of each series), with
    /// the known-future covariates of rows <c>s .. s + need - 1</c> and, under <see cref="CovariatePolicy.FromCaller"/>,
    /// the other input columns of rows <c>s .. s + Horizon - 2</c>, from the data.
    /// </summary>
    private IEnumerable<BacktestFold> ForecastPosition(SeriesForecaster forecaster, SeriesTable values, SeriesSpan[] spans, int s,
        int need, int trainingEnd)
    {
        var w = forecaster.Windowing;
        foreach (var span in spans)
            CheckFoldRows(values, w, span, s, need);
        var input = new RowSubsetDataView(_cached, Mask(spans, _ => (s - w.WindowSize, s)));
        Dictionary<string, IReadOnlyList<float[]>>? known = null, callers = null;
        if (w.FutureCount > 0)
            known = spans.ToDictionary(x => x.ForecastKey, x => Rows(values, x, s, need, r => r[w.FeatureCount..]), StringComparer.Ordinal);
        if (_options.CovariatePolicy == CovariatePolicy.FromCaller && w.FeatureCount > 1)
        {
            callers = spans.ToDictionary(x => x.ForecastKey, x => Rows(values, x, s, H - 1, r =>
            {
                var row = r[..w.FeatureCount];
                row[w.TargetIndex] = float.NaN; // the target of a forecast row is never read
                return row;
            }), StringComparer.Ordinal);
        }
        var forecasts = forecaster.ForecastBySeries(input, H, _options.CovariatePolicy, callers, known);
        return spans.Select(x =>
        {
            var forecast = forecasts[x.ForecastKey].Segments[0].Values;
            var actual = Enumerable.Range(s, H).Select(r => values.Rows[x.FirstRow + r][w.TargetIndex]).ToArray();
            return new BacktestFold(s, trainingEnd, values.Rows[x.FirstRow + s - 1][w.TargetIndex], forecast[..H], actual, null, null, x.Key);
        }).ToArray();
    }

    private static IReadOnlyList<float[]> Rows(SeriesTable values, SeriesSpan span, int from, int count, Func<float[], float[]> select)
        => Enumerable.Range(from, count).Select(r => select(values.Rows[span.FirstRow + r])).ToArray();

    /// <summary>
    /// Every value a fold reads must be finite: its window (rows <c>[s - T, s)</c>, all F + C columns), the
    /// known-future covariates of rows <c>s .. s + need - 1</c>, and under <see cref="CovariatePolicy.FromCaller"/> on the
    /// recursive path the other input columns of rows <c>s .. s + Horizon - 2</c>.
    /// </summary>
    private void CheckFoldRows(SeriesTable values, SeriesWindowing w, SeriesSpan span, int s, int need)
    {
        var all = Enumerable.Range(0, values.ColumnNames.Length).ToArray();
        string Suffix(string role) => $", {role} of the fold starting at row {s}. " +
            "Fill or drop missing values before backtesting: every window, and every value a fold reads after it, must be complete.";
        values.RequireFinite(span, (s - w.WindowSize, s), all, Suffix("in the window"));
        if (w.FutureCount > 0)
            values.RequireFinite(span, (s, s + need), all[w.FeatureCount..], Suffix("a known-future covariate the model reads for the forecast steps"));
        if (IsRecursive(w) && _options.CovariatePolicy == CovariatePolicy.FromCaller)
            values.RequireFinite(span, (s, s + H - 1), all[..w.FeatureCount].Where(f => f != w.TargetIndex), Suffix("an input read as known in advance (CovariatePolicy.FromCaller)"));
    }
}
