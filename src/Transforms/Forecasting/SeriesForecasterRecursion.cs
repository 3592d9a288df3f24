using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

// The recursion shared by every mode of SeriesForecaster: runs of windows, scored in lockstep, one batched model call
// per round, each prediction fed back as the newest step of its window.
public sealed partial class SeriesForecaster
{
    /// <summary>A recursive run: the window starting at row <c>WindowStart</c> of its series, then <c>Length</c> predicted steps.</summary>
    private readonly record struct Run(int WindowStart, int Length);

    /// <summary>
    /// One series of the input: its key (as text), its F feature values and its C known-future covariates per row, and
    /// the type of the data's key column (null for a model of one series), so that the model reads the key as it was fitted.
    /// </summary>
    private sealed record KeyedSeries(string Key, float[][] Values, float[][] Known, Microsoft.ML.Data.DataViewType? KeyType);

    /// <summary>One recursive run of one series, with the caller's values for the rows after the series' end.</summary>
    private sealed record Job(KeyedSeries Series, Run Run, IReadOnlyList<float[]>? Covariates, IReadOnlyList<float[]>? KnownAfter);

    /// <summary>
    /// Recursion over runs of one or several series in lockstep: each round scores the current window of every
    /// unfinished run in one batch, appends up to h predictions per run and slides its window.
    /// </summary>
    private float[][] RecurseJobs(Job[] jobs, CovariatePolicy policy, SeriesPredictionMode mode, bool bySeries)
    {
        var windows = jobs.Select(j => TrueWindow(j.Series.Values, j.Run.WindowStart)).ToArray();
        var outputs = jobs.Select(j => new List<float>(j.Run.Length)).ToArray();
        // Covariates held at their last observed value: the window's last row before any prediction.
        var held = jobs.Select(j => (float[])j.Series.Values[j.Run.WindowStart + T - 1].Clone()).ToArray();
        var next = new float[F];
        while (true)
        {
            var active = Enumerable.Range(0, jobs.Length).Where(i => outputs[i].Count < jobs[i].Run.Length).ToArray();
            if (active.Length == 0)
                break;
            var scores = _scorer.Score(Batch(jobs, active, windows, outputs));
            for (int a = 0; a < active.Length; a++)
            {
                int i = active[a];
                var job = jobs[i];
                for (int j = 0; j < H && outputs[i].Count < job.Run.Length; j++)
                {
                    float prediction = scores[a][j];
                    int row = job.Run.WindowStart + T + outputs[i].Count; // the row this value predicts
                    CheckPrediction(bySeries ? job.Series.Key : null, prediction, mode, job.Run.WindowStart, outputs[i].Count + 1);
                    outputs[i].Add(prediction);
                    if (outputs[i].Count == job.Run.Length)
                        break;
                    FillNextRow(next, prediction, row, job, held[i], policy);
                    Slide(windows[i], next);
                }
            }
        }
        return outputs.Select(o => o.ToArray()).ToArray();
    }

    /// <summary>The current windows of the active runs, with their known-future values and keys when the model reads them.</summary>
    private WindowBatch Batch(Job[] jobs, int[] active, float[][] windows, List<float>[] outputs)
    {
        var keyType = jobs[0].Series.KeyType;
        return new WindowBatch(active.Select(i => windows[i]).ToArray())
        {
            Futures = Windowing.FutureColumnName is null ? null
                : active.Select(i => FutureOf(jobs[i], jobs[i].Run.WindowStart + T - 1L + outputs[i].Count)).ToArray(),
            Keys = keyType is null ? null : active.Select(i => jobs[i].Series.Key).ToArray(),
            KeyType = keyType,
        };
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

    /// <summary>
    /// A prediction must be a number: NaN or ±∞ is an error naming the step and the likely fixes (and the series, from
    /// the <c>...BySeries</c> methods).
    /// </summary>
    private void CheckPrediction(string? key, float prediction, SeriesPredictionMode mode, int windowStart, int step)
    {
        if (float.IsFinite(prediction))
            return;
        int row = windowStart + T + step - 1;
        throw new InvalidOperationException((key is null ? "" : $"Series '{key}': ") +
            $"SeriesForecaster ({mode}): the model's prediction for step {step} (row {row} of the series, from the window that starts at row {windowStart}) is {prediction.ToString(System.Globalization.CultureInfo.InvariantCulture)}. " +
            (step > H
                ? "The recursion diverged: each prediction is fed back as the newest step of the window, and the values grew out of range. " +
                  $"Predict fewer steps (the first {step - 1} were finite), or use a model trained on normalised windows (NormalizeWindows) so that its forecasts stay in range."
                : "The model cannot score that window: it holds a value the model's normalisation cannot use (e.g. RelativeToFirst divides by the window's first value, which is 0 here), " +
                  "so its Score is NaN. Use WindowNormalization.MinMax or ZScore for series that reach 0, or shift the series away from 0. " +
                  "With SeriesMinMax or SeriesZScore loaded by stock mlContext.Model.Load, a series key unseen at fit time also scores NaN: refit with that series."));
    }

    /// <summary>The row after the window: the prediction as target, the other columns by the policy.</summary>
    private void FillNextRow(float[] next, float prediction, int row, Job job, float[] held, CovariatePolicy policy)
    {
        var values = job.Series.Values;
        int n = values.Length;
        for (int f = 0; f < F; f++)
        {
            if (f == Windowing.TargetIndex)
                next[f] = prediction;
            else if (policy == CovariatePolicy.HoldLastValue)
                next[f] = held[f];
            else if (row < n)
                next[f] = values[row][f];
            else
                next[f] = job.Covariates![row - n][f];
        }
    }

    private void Slide(float[] window, float[] newest)
    {
        Array.Copy(window, F, window, 0, (T - 1) * F);
        Array.Copy(newest, 0, window, (T - 1) * F, F);
    }

    private float[] TrueWindow(float[][] values, int start)
    {
        var window = new float[T * F];
        for (int t = 0; t < T; t++)
            Array.Copy(values[start + t], 0, window, t * F, F);
        return window;
    }

    private float[] Observed(float[][] values) => values.Select(v => v[Windowing.TargetIndex]).ToArray();

    private IReadOnlyDictionary<string, SeriesPrediction> Collect(IReadOnlyList<KeyedSeries> all, Job[] jobs, float[][] outputs,
        SeriesPredictionMode mode, CovariatePolicy? policy)
    {
        var result = new Dictionary<string, SeriesPrediction>(StringComparer.Ordinal);
        var bySeries = jobs.Select((j, i) => (j, i)).ToLookup(x => (object)x.j.Series, ReferenceEqualityComparer.Instance);
        foreach (var s in all)
        {
            var segments = bySeries[s].Select(x => new ForecastSegment(x.j.Run.WindowStart + T, outputs[x.i])).ToArray();
            result.Add(s.Key, new SeriesPrediction(mode, policy, Observed(s.Values), segments));
        }
        return result;
    }
}
