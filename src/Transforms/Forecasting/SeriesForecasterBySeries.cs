using Microsoft.ML;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

// The multi-series (and known-future covariate) modes of SeriesForecaster: every mode per series key, all keys scored
// together, one batched model call per recursion step.
public sealed partial class SeriesForecaster
{
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
        return PredictAll(all, jobs, SeriesPredictionMode.PointByPoint, null);
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
        var jobs = all.SelectMany(s => MultipleSequenceJobs(s, predictionLength, knownFuture)).ToArray();
        return PredictAll(all, jobs, SeriesPredictionMode.MultipleSequences, policy);
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
        return PredictAll(all, jobs, SeriesPredictionMode.FullSequence, policy);
    }

    /// <summary>
    /// Forecasts <paramref name="steps"/> values after the last row of every series of <paramref name="data"/>, keyed by
    /// series (<c>""</c> for a model of one series): one forecast per key, all keys scored in one batched model call per
    /// recursion step.
    /// </summary>
    /// <param name="data">The series, each key's rows contiguous and in time order; each key needs at least T rows.</param>
    /// <param name="steps">How many steps to forecast (1 to <see cref="MaxForecastSteps"/>).</param>
    /// <param name="policy">How to fill the other input columns for the forecast steps.</param>
    /// <param name="futureCovariates">With <see cref="CovariatePolicy.FromCaller"/>: per key, one array of F values per
    /// forecast step after the first (as in <see cref="Forecast(IDataView, int, CovariatePolicy, IReadOnlyList{float[]})"/>).</param>
    /// <param name="knownFuture">When the model has known-future covariates: per key, one array of C values
    /// (<see cref="SeriesWindowing.FutureCovariateColumnNames"/> order) per step after the key's last row; a horizon-h
    /// model needs <c>h·ceil(steps / h)</c> of them. Inside the data the values come from the series itself.</param>
    /// <exception cref="ArgumentException">A key's caller values are missing or too short (the message names the
    /// column, the key and how many values are needed), or a column that is both a window input and a known-future
    /// covariate gets different values in <paramref name="futureCovariates"/> and <paramref name="knownFuture"/>.</exception>
    public IReadOnlyDictionary<string, SeriesPrediction> ForecastBySeries(IDataView data, int steps,
        CovariatePolicy policy = CovariatePolicy.HoldLastValue,
        IReadOnlyDictionary<string, IReadOnlyList<float[]>>? futureCovariates = null,
        IReadOnlyDictionary<string, IReadOnlyList<float[]>>? knownFuture = null)
    {
        CheckSteps(steps, withAdvice: false);
        var all = ReadKeyedSeries(data, T);
        bool fromCaller = policy == CovariatePolicy.FromCaller && F > 1;
        var jobs = all.Select(s => Make(s, new Run(s.Values.Length - T, steps),
            fromCaller ? CallerCovariates(s, futureCovariates, Math.Max(0, steps - 1)) : null, knownFuture)).ToArray();
        foreach (var job in jobs)
            CheckSharedColumns(job, Math.Max(0, steps - 1));
        return PredictAll(all, jobs, SeriesPredictionMode.Forecast, policy);
    }

    private IReadOnlyDictionary<string, SeriesPrediction> PredictAll(IReadOnlyList<KeyedSeries> all, Job[] jobs, SeriesPredictionMode mode,
        CovariatePolicy? policy)
        => Collect(all, jobs, RecurseJobs(jobs, policy ?? CovariatePolicy.HoldLastValue, mode, bySeries: true), mode, policy);

    private IEnumerable<Job> MultipleSequenceJobs(KeyedSeries s, int predictionLength, IReadOnlyDictionary<string, IReadOnlyList<float[]>>? knownFuture)
    {
        int n = s.Values.Length;
        for (int start = 0; start + T < n; start += predictionLength)
            yield return Make(s, new Run(start, Math.Min(predictionLength, n - (start + T))), null, knownFuture);
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

    /// <summary>
    /// A column that is both a window input (filled from <c>futureCovariates</c> under
    /// <see cref="CovariatePolicy.FromCaller"/>) and a known-future covariate (from <c>knownFuture</c>) must get the same
    /// value from both for every step past the series' end that reads both.
    /// </summary>
    private void CheckSharedColumns(Job job, int callerSteps)
    {
        if (job.Covariates is null || job.KnownAfter is null)
            return;
        var futures = Windowing.FutureCovariateColumnNames!;
        int n = job.Series.Values.Length;
        for (int f = 0; f < F; f++)
        {
            int c = Array.IndexOf(futures, Windowing.FeatureColumnNames[f]);
            if (f == Windowing.TargetIndex || c < 0)
                continue;
            for (int i = 0; i < Math.Min(callerSteps, job.KnownAfter.Count); i++)
            {
                float window = job.Covariates[i][f], known = job.KnownAfter[i][c];
                if (window.Equals(known))
                    continue;
                throw new ArgumentException(
                    $"Column '{futures[c]}' is both a window input and a known-future covariate of the model, and series '{job.Series.Key}' " +
                    $"gets two values for row {n + i} (step {i + 1} after its last row): futureCovariates[\"{job.Series.Key}\"][{i}][{f}] is " +
                    $"{Invariant(window)} but knownFuture[\"{job.Series.Key}\"][{i}][{c}] is {Invariant(known)}. Give the same value in both.",
                    "knownFuture");
            }
        }
    }

    private static string Invariant(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
