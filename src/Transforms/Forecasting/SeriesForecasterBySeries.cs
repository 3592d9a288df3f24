using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

// The multi-series (and known-future covariate) modes of SeriesForecaster: every mode per series key, all keys scored
// together, one batched model call per recursion step.
public sealed partial class SeriesForecaster
{
    private static SeriesWindowing WindowingOf(SlidingWindowTransformer window, string scoreColumnName) => new(
        window.OutputColumnName, window.InputColumnNames.ToArray(), window.WindowSize, window.TargetIndex, window.Horizon, scoreColumnName)
    {
        SeriesColumnName = window.SeriesColumnName,
        FutureCovariateColumnNames = window.FutureColumnName is null ? null : window.FutureCovariateColumnNames.ToArray(),
        FutureColumnName = window.FutureColumnName,
    };

    /// <summary>
    /// One series of the input: its key (as text), its F feature values and its C known-future covariates per row, and
    /// the type of the data's key column (null for a model of one series), so that the model reads the key as it was fitted.
    /// </summary>
    private sealed record KeyedSeries(string Key, float[][] Values, float[][] Known, DataViewType? KeyType);

    /// <summary>One recursive run of one series, with the caller's values for the rows after the series' end.</summary>
    private sealed record Job(KeyedSeries Series, Run Run, IReadOnlyList<float[]>? Covariates, IReadOnlyList<float[]>? KnownAfter);

    /// <summary>
    /// Point by point for every series of <paramref name="data"/> (see <see cref="PredictPointByPoint(IDataView)"/>),
    /// keyed by the model's series key (<see cref="SeriesWindowing.SeriesColumnName"/>; the key is <c>""</c> for a
    /// model of one series). All windows are scored in one batch.
    /// </summary>
    /// <param name="data">The series, each key's rows contiguous and in time order.</param>
    /// <param name="knownFuture">With known-future covariates: per key, the values of the C covariates
    /// (<see cref="SeriesWindowing.FutureCovariateColumnNames"/> order) for the rows after the key's last row; the windows
    /// that end near the last row need up to h of them.</param>
    public IReadOnlyDictionary<string, SeriesPrediction> PredictPointByPointBySeries(IDataView data,
        IReadOnlyDictionary<string, IReadOnlyList<float[]>>? knownFuture = null)
    {
        var all = ReadKeyedSeries(data, T);
        var jobs = all.SelectMany(s => Enumerable.Range(0, s.Values.Length - T + 1)
            .Select(start => Make(s, new Run(start, 1), null, knownFuture))).ToArray();
        return Collect(all, jobs, RecurseJobs(jobs, CovariatePolicy.HoldLastValue, SeriesPredictionMode.PointByPoint),
            SeriesPredictionMode.PointByPoint, null);
    }

    /// <summary>Multiple sequences for every series (see <see cref="PredictMultipleSequences(IDataView, int, CovariatePolicy)"/>), keyed by series.</summary>
    /// <param name="data">The series, each key's rows contiguous and in time order.</param>
    /// <param name="predictionLength">Steps per recursive run.</param>
    /// <param name="policy">How to fill the other input columns; <see cref="CovariatePolicy.FromCaller"/> takes them from the data.</param>
    /// <param name="knownFuture">As in <see cref="PredictPointByPointBySeries"/>.</param>
    public IReadOnlyDictionary<string, SeriesPrediction> PredictMultipleSequencesBySeries(IDataView data, int predictionLength,
        CovariatePolicy policy = CovariatePolicy.HoldLastValue, IReadOnlyDictionary<string, IReadOnlyList<float[]>>? knownFuture = null)
    {
        Guard.AtLeast(predictionLength, 1);
        var all = ReadKeyedSeries(data, T + 1);
        var jobs = new List<Job>();
        foreach (var s in all)
        {
            int n = s.Values.Length;
            for (int start = 0; start + T < n; start += predictionLength)
                jobs.Add(Make(s, new Run(start, Math.Min(predictionLength, n - (start + T))), null, knownFuture));
        }
        var array = jobs.ToArray();
        return Collect(all, array, RecurseJobs(array, policy, SeriesPredictionMode.MultipleSequences), SeriesPredictionMode.MultipleSequences, policy);
    }

    /// <summary>Full sequence for every series (see <see cref="PredictFullSequence(IDataView, CovariatePolicy)"/>), keyed by series.</summary>
    /// <param name="data">The series, each key's rows contiguous and in time order.</param>
    /// <param name="policy">How to fill the other input columns.</param>
    /// <param name="knownFuture">As in <see cref="PredictPointByPointBySeries"/>.</param>
    public IReadOnlyDictionary<string, SeriesPrediction> PredictFullSequenceBySeries(IDataView data,
        CovariatePolicy policy = CovariatePolicy.HoldLastValue, IReadOnlyDictionary<string, IReadOnlyList<float[]>>? knownFuture = null)
    {
        var all = ReadKeyedSeries(data, T + 1);
        var jobs = all.Select(s => Make(s, new Run(0, s.Values.Length - T), null, knownFuture)).ToArray();
        return Collect(all, jobs, RecurseJobs(jobs, policy, SeriesPredictionMode.FullSequence), SeriesPredictionMode.FullSequence, policy);
    }

    /// <summary>
    /// Forecasts <paramref name="steps"/> values after the last row of every series of <paramref name="data"/>, keyed by
    /// series (<c>""</c> for a model of one series): one forecast per key, all keys scored in one batched model call per
    /// recursion step.
    /// </summary>
    /// <param name="data">The series, each key's rows contiguous and in time order. A key with fewer than T rows is
    /// forecast from its rows left-padded to T with copies of its first row (its prediction's
    /// <see cref="SeriesPrediction.PaddedRows"/> says how many), so every key gets a forecast.</param>
    /// <param name="steps">How many steps to forecast (1 to <see cref="MaxForecastSteps"/>).</param>
    /// <param name="policy">How to fill the other input columns for the forecast steps.</param>
    /// <param name="futureCovariates">With <see cref="CovariatePolicy.FromCaller"/>: per key, one array of F values per
    /// forecast step after the first (as in <see cref="Forecast(IDataView, int, CovariatePolicy, IReadOnlyList{float[]})"/>).</param>
    /// <param name="knownFuture">When the model has known-future covariates: per key, one array of C values
    /// (<see cref="SeriesWindowing.FutureCovariateColumnNames"/> order) per step after the key's last row; a horizon-h
    /// model needs <c>h·ceil(steps / h)</c> of them. Inside the data the values come from the series itself.</param>
    /// <exception cref="ArgumentException">A key's caller values are missing or too short (the message names the
    /// column, the key and how many values are needed).</exception>
    public IReadOnlyDictionary<string, SeriesPrediction> ForecastBySeries(IDataView data, int steps,
        CovariatePolicy policy = CovariatePolicy.HoldLastValue,
        IReadOnlyDictionary<string, IReadOnlyList<float[]>>? futureCovariates = null,
        IReadOnlyDictionary<string, IReadOnlyList<float[]>>? knownFuture = null)
    {
        Guard.AtLeast(steps, 1);
        if (steps > MaxForecastSteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"'steps' is {steps} but a forecast has at most {MaxForecastSteps:N0} steps (SeriesForecaster.MaxForecastSteps).");
        var (all, paddedRows) = PadShortSeries(ReadKeyedSeries(data, 1));
        var jobs = all.Select(s => Make(s, new Run(s.Values.Length - T, steps),
            policy == CovariatePolicy.FromCaller && F > 1 ? CallerCovariates(s, futureCovariates, Math.Max(0, steps - 1)) : null, knownFuture)).ToArray();
        return RemovePadding(Collect(all, jobs, RecurseJobs(jobs, policy, SeriesPredictionMode.Forecast), SeriesPredictionMode.Forecast, policy), paddedRows);
    }

    private IReadOnlyList<float[]> CallerCovariates(KeyedSeries s, IReadOnlyDictionary<string, IReadOnlyList<float[]>>? all, int needed)
    {
        IReadOnlyList<float[]>? rows = null;
        all?.TryGetValue(s.Key, out rows);
        if (rows is null || rows.Count < needed || rows.Take(needed).Any(r => r is null || r.Length != F))
        {
            throw new ArgumentException(
                $"CovariatePolicy.FromCaller needs, for series '{s.Key}', the future values of columns {string.Join(", ", OtherColumns())}: " +
                $"{needed} arrays of {F} values (one per forecast step after the first, in the order {string.Join(", ", Windowing.FeatureColumnNames)}); got {rows?.Count ?? 0}.",
                "futureCovariates");
        }
        return rows;
    }

    /// <summary>A job, with the caller's known-future values checked: enough rows of C values past the series' end.</summary>
    private Job Make(KeyedSeries s, Run run, IReadOnlyList<float[]>? covariates, IReadOnlyDictionary<string, IReadOnlyList<float[]>>? knownFuture)
    {
        if (Windowing.FutureColumnName is null)
            return new Job(s, run, covariates, null);
        int n = s.Values.Length;
        long lastEnd = run.WindowStart + T - 1 + (long)H * ((run.Length + H - 1) / H - 1); // last row of the last window scored
        int needed = (int)Math.Max(0, lastEnd + H + 1 - n);
        IReadOnlyList<float[]>? rows = null;
        knownFuture?.TryGetValue(s.Key, out rows);
        int c = Windowing.FutureCount;
        if (needed > 0 && (rows is null || rows.Count < needed || rows.Take(needed).Any(r => r is null || r.Length != c || r.Any(v => !float.IsFinite(v)))))
        {
            throw new ArgumentException(
                $"The model reads known-future covariates {string.Join(", ", Windowing.FutureCovariateColumnNames!)} (column '{Windowing.FutureColumnName}'): " +
                $"series '{s.Key}' needs their values for {needed} step(s) after its last row (knownFuture[\"{s.Key}\"]: {needed} arrays of {c} finite values); " +
                $"got {rows?.Count ?? 0}{(rows is not null && rows.Count >= needed ? " with a wrong length or a non-finite value" : "")}.", nameof(knownFuture));
        }
        return new Job(s, run, covariates, rows);
    }

    /// <summary>The h·C known-future values of the window whose last row is <paramref name="end"/> (time-major).</summary>
    private float[] FutureOf(Job job, long end)
    {
        int c = Windowing.FutureCount, n = job.Series.Values.Length;
        var future = new float[H * c];
        for (int k = 0; k < H; k++)
        {
            long row = end + 1 + k;
            var source = row < n ? job.Series.Known[row] : job.KnownAfter![(int)(row - n)];
            Array.Copy(source, 0, future, k * c, c);
        }
        return future;
    }

    /// <summary>Recursion over runs of several series in lockstep: one batched model call per round (see <see cref="Recurse"/>).</summary>
    private float[][] RecurseJobs(Job[] jobs, CovariatePolicy policy, SeriesPredictionMode mode)
    {
        var windows = jobs.Select(j => TrueWindow(j.Series.Values, j.Run.WindowStart)).ToArray();
        var outputs = jobs.Select(j => new List<float>(j.Run.Length)).ToArray();
        var held = jobs.Select(j => (float[])j.Series.Values[j.Run.WindowStart + T - 1].Clone()).ToArray();
        var next = new float[F];
        while (true)
        {
            var active = Enumerable.Range(0, jobs.Length).Where(i => outputs[i].Count < jobs[i].Run.Length).ToArray();
            if (active.Length == 0)
                break;
            var futures = Windowing.FutureColumnName is null ? null
                : active.Select(i => FutureOf(jobs[i], jobs[i].Run.WindowStart + T - 1L + outputs[i].Count)).ToArray();
            var keys = jobs[0].Series.KeyType is { } keyType ? new SeriesKeys(active.Select(i => jobs[i].Series.Key).ToArray(), keyType) : null;
            var scores = ScoreWindows(active.Select(i => windows[i]).ToArray(), futures, keys);
            for (int a = 0; a < active.Length; a++)
            {
                int i = active[a];
                var job = jobs[i];
                for (int j = 0; j < H && outputs[i].Count < job.Run.Length; j++)
                {
                    float prediction = scores[a][j];
                    int row = job.Run.WindowStart + T + outputs[i].Count;
                    CheckPrediction(job.Series.Key, prediction, mode, job.Run.WindowStart, outputs[i].Count + 1);
                    outputs[i].Add(prediction);
                    if (outputs[i].Count == job.Run.Length)
                        break;
                    FillNextRow(next, prediction, row, job.Series.Values.Length, job.Series.Values, held[i], policy, job.Covariates);
                    Slide(windows[i], next);
                }
            }
        }
        return outputs.Select(o => o.ToArray()).ToArray();
    }

    private void CheckPrediction(string key, float prediction, SeriesPredictionMode mode, int windowStart, int step)
    {
        try
        {
            CheckPrediction(prediction, mode, windowStart, step);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"Series '{key}': {e.Message}", e);
        }
    }

    private IReadOnlyDictionary<string, SeriesPrediction> Collect(IReadOnlyList<KeyedSeries> all, Job[] jobs, float[][] outputs,
        SeriesPredictionMode mode, CovariatePolicy? policy)
    {
        var result = new Dictionary<string, SeriesPrediction>(StringComparer.Ordinal);
        foreach (var s in all)
        {
            var segments = jobs.Select((j, i) => (j, i)).Where(x => ReferenceEquals(x.j.Series, s))
                .Select(x => new ForecastSegment(x.j.Run.WindowStart + T, outputs[x.i])).ToArray();
            result.Add(s.Key, new SeriesPrediction(mode, policy, Observed(s.Values), segments));
        }
        return result;
    }
}
