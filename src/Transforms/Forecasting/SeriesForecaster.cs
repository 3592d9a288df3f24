using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// The windowing a forecasting model was trained with: which series columns form a window, in which order, how many
/// steps, which column is the target, and how many steps ahead the model predicts.
/// </summary>
/// <param name="WindowColumnName">The model's window column (e.g. <c>Window</c>).</param>
/// <param name="FeatureColumnNames">The F series columns of a window, in feature order.</param>
/// <param name="WindowSize">T, the number of steps in a window.</param>
/// <param name="TargetIndex">Index of the target column in <paramref name="FeatureColumnNames"/>.</param>
/// <param name="Horizon">h, the number of steps the model predicts from one window.</param>
/// <param name="ScoreColumnName">The model's score column.</param>
public sealed record SeriesWindowing(
    string WindowColumnName,
    string[] FeatureColumnNames,
    int WindowSize,
    int TargetIndex,
    int Horizon,
    string ScoreColumnName = "Score")
{
    /// <summary>The series key column of a multi-series model (<c>SlidingWindow</c>'s <c>SeriesColumnName</c>), or null.</summary>
    public string? SeriesColumnName { get; init; }

    /// <summary>The C known-future covariate columns of the model (<c>SlidingWindow</c>'s <c>FutureCovariateColumnNames</c>), or null.</summary>
    public string[]? FutureCovariateColumnNames { get; init; }

    /// <summary>The model's future covariates column (<c>Vector&lt;Single&gt;</c> of h·C), or null when it has none.</summary>
    public string? FutureColumnName { get; init; }

    /// <summary>C, the number of known-future covariates (0 when none).</summary>
    public int FutureCount => FutureCovariateColumnNames?.Length ?? 0;

    /// <summary>F, the number of columns in a window.</summary>
    public int FeatureCount => FeatureColumnNames.Length;

    /// <summary>The target column's name.</summary>
    public string TargetColumnName => FeatureColumnNames[TargetIndex];

    internal void Validate()
    {
        Guard.NotNullOrEmpty(WindowColumnName, nameof(WindowColumnName));
        Guard.NotEmpty(FeatureColumnNames, nameof(FeatureColumnNames));
        Guard.AtLeast(WindowSize, 1, null, nameof(WindowSize));
        Guard.AtLeast(Horizon, 1, null, nameof(Horizon));
        Guard.Check(TargetIndex >= 0 && TargetIndex < FeatureColumnNames.Length,
            $"TargetIndex {TargetIndex} is outside the {FeatureColumnNames.Length} feature columns.", nameof(TargetIndex));
    }
}

/// <summary>
/// Runs a fitted forecasting model over a whole series in the prediction modes of the Keras stock tutorial, and
/// forecasts past the end of the data.
/// </summary>
/// <remarks>
/// <para>The model is any fitted chain that maps a window column (a <c>Single</c> vector of T·F values, time-major) to
/// a score column in label units, such as <c>SlidingWindow → NormalizeWindows → Lstm</c>, fitted or reloaded.</para>
/// <list type="bullet">
/// <item><description><see cref="PredictPointByPoint(IDataView)"/>: one step ahead from every true window (what <c>Transform</c> does).</description></item>
/// <item><description><see cref="PredictMultipleSequences(IDataView, int, CovariatePolicy)"/>: from a true window, predict <c>predictionLength</c> steps
/// recursively (each prediction fed back as the newest step), then restart from the true window
/// <c>predictionLength</c> steps later.</description></item>
/// <item><description><see cref="PredictFullSequence(IDataView, CovariatePolicy)"/>: recursive from the first window over the whole series.</description></item>
/// <item><description><see cref="Forecast(IDataView, int, CovariatePolicy, IReadOnlyList{float[]})"/>: the steps after the series' last row.</description></item>
/// </list>
/// <para>Several series and known-future covariates: the <c>...BySeries</c> methods
/// (<see cref="ForecastBySeries"/>, <see cref="PredictPointByPointBySeries"/>, <see cref="PredictMultipleSequencesBySeries"/>,
/// <see cref="PredictFullSequenceBySeries"/>) read every key of a multi-series input (<see cref="SeriesWindowing.SeriesColumnName"/>)
/// and return one <see cref="SeriesPrediction"/> per key, scoring all keys in one batched model call per recursion
/// step; they also fill the model's <see cref="SeriesWindowing.FutureColumnName"/> column (from the data, and past its
/// end from the caller's <c>knownFuture</c>). The single-series methods refuse a model with known-future covariates.</para>
/// <para>A horizon-h model contributes h steps per call: its h predictions are fed back together. Input columns other
/// than the target follow the <see cref="CovariatePolicy"/> given to each call.</para>
/// <para>Input columns of the series: the <see cref="SeriesWindowing.FeatureColumnNames"/>, numeric scalars, one row per
/// step in time order. The methods read the series into memory (T·F floats per row).</para>
/// <para>No silent wrong answers: a non-finite value in the series is an error naming the column and row; every
/// prediction is checked as it is produced, and a NaN or ±∞ one (a recursion that diverged, or a window the model
/// cannot score, which it scores as NaN: see <see cref="NormalizeWindowsTransformer"/>) is an
/// <see cref="InvalidOperationException"/> naming the step, the row and the fix. <c>steps</c> is at most
/// <see cref="MaxForecastSteps"/>.</para>
/// </remarks>
public sealed partial class SeriesForecaster : IDisposable
{
    // Used only to build small in-memory data views and type conversions; no state of a caller's context is needed.
    private readonly MLContext _mlContext = new();
    private readonly ITransformer _model;
    private readonly bool _ownsModel; // true when Load created the model (its ONNX Runtime sessions are ours to release)

    /// <summary>Creates a forecaster for a fitted model and the windowing it was trained with.</summary>
    /// <param name="model">A fitted chain mapping the window column to the score column.</param>
    /// <param name="windowing">The windowing the model was trained with.</param>
    public SeriesForecaster(ITransformer model, SeriesWindowing windowing)
        : this(model, windowing, ownsModel: false)
    {
    }

    private SeriesForecaster(ITransformer model, SeriesWindowing windowing, bool ownsModel)
    {
        _model = Guard.NotNull(model);
        Windowing = Guard.NotNull(windowing);
        windowing.Validate();
        _ownsModel = ownsModel;
    }

    /// <summary>
    /// Creates a forecaster for a fitted chain that contains a <see cref="SlidingWindowTransformer"/>, whose windowing
    /// it uses.
    /// </summary>
    /// <param name="model">The fitted chain, e.g. <c>SlidingWindow → NormalizeWindows → Lstm</c>.</param>
    /// <param name="scoreColumnName">The model's score column.</param>
    public static SeriesForecaster Create(ITransformer model, string scoreColumnName = "Score")
    {
        Guard.NotNull(model);
        var window = Flatten(model).OfType<SlidingWindowTransformer>().FirstOrDefault()
            ?? throw new ArgumentException(
                "The model contains no SlidingWindowTransformer, so its windowing is unknown. Fit a chain that starts with " +
                "mlContext.Transforms.SlidingWindow(...), or create the forecaster with new SeriesForecaster(model, new SeriesWindowing(...)).",
                nameof(model));
        return new SeriesForecaster(model, WindowingOf(window, scoreColumnName));
    }

    /// <summary>
    /// Loads a model zip written by <c>mlContext.Model.Save</c> from a fitted chain that contains a
    /// <see cref="SlidingWindowTransformer"/> with <c>mlContext.Forecasting.LoadModel</c> (our own transformers,
    /// batched scoring), and takes the windowing from the rebuilt <see cref="SlidingWindowTransformer"/>.
    /// </summary>
    /// <remarks>
    /// The zip is checked as <c>LoadModel</c> checks it (entry CRCs, integrity stamps, each graph's metadata against
    /// the graph, the steps against each other); every failure is an <see cref="InvalidDataException"/> naming the
    /// file, the entry and what is wrong.
    /// </remarks>
    /// <param name="modelPath">The model zip.</param>
    /// <param name="scoreColumnName">The model's score column.</param>
    public static SeriesForecaster Load(string modelPath, string scoreColumnName = "Score")
    {
        Guard.NotNullOrEmpty(modelPath);
        Guard.NotNullOrEmpty(scoreColumnName);
        var model = Onnx.SavedModelLoader.LoadFile(modelPath, new OnnxScoringOptions(), out _);
        try
        {
            var window = Flatten(model).OfType<SlidingWindowTransformer>().FirstOrDefault()
                ?? throw new InvalidOperationException(
                    $"The model '{modelPath}' has no saved SlidingWindow step, so its windowing is unknown. Save the whole fitted " +
                    "chain (SlidingWindow → ... → Lstm), or create the forecaster with new SeriesForecaster(model, new SeriesWindowing(...)).");
            var lstm = Flatten(model).OfType<LstmForecastingTransformer>().LastOrDefault();
            if (lstm is not null && lstm.ScoreColumnName != scoreColumnName)
            {
                throw new InvalidOperationException(
                    $"The model '{modelPath}' scores into column '{lstm.ScoreColumnName}', not '{scoreColumnName}'. Pass scoreColumnName: \"{lstm.ScoreColumnName}\".");
            }
            return new SeriesForecaster(model, WindowingOf(window, scoreColumnName), ownsModel: true);
        }
        catch
        {
            (model as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Releases the model when <see cref="Load"/> created it (its ONNX Runtime sessions and temporary files); a model
    /// passed in by the caller stays the caller's.
    /// </summary>
    public void Dispose()
    {
        if (_ownsModel && _model is IDisposable disposable)
            disposable.Dispose();
    }

    /// <summary>
    /// The most steps <see cref="Forecast(IDataView, int, CovariatePolicy, IReadOnlyList{float[]})"/> takes: 1,000,000
    /// (4 MB of predictions; each step of a horizon-1 model is one scoring call).
    /// </summary>
    public const int MaxForecastSteps = 1_000_000;

    /// <summary>The windowing of the model.</summary>
    public SeriesWindowing Windowing { get; }

    /// <summary>The model the forecaster scores windows with.</summary>
    public ITransformer Model => _model;

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer)
    {
        yield return transformer;
        if (transformer is IEnumerable<ITransformer> chain)
        {
            foreach (var inner in chain)
            {
                foreach (var t in Flatten(inner))
                    yield return t;
            }
        }
    }

    private int T => Windowing.WindowSize;
    private int F => Windowing.FeatureCount;
    private int H => Windowing.Horizon;

    /// <summary>
    /// Point by point: for every window of true values, the model's first-step prediction for the row after it
    /// (one segment of one value per window, including the window that ends at the last row).
    /// </summary>
    public SeriesPrediction PredictPointByPoint(IDataView series)
    {
        var values = ReadSeries(series, T);
        int n = values.Length;
        var starts = Enumerable.Range(0, n - T + 1).ToArray();
        var scores = ScoreWindows(starts.Select(s => TrueWindow(values, s)).ToArray());
        for (int i = 0; i < starts.Length; i++)
            CheckPrediction(scores[i][0], SeriesPredictionMode.PointByPoint, starts[i], step: 1);
        var segments = starts.Select((s, i) => new ForecastSegment(s + T, new[] { scores[i][0] })).ToArray();
        return new SeriesPrediction(SeriesPredictionMode.PointByPoint, null, Observed(values), segments);
    }

    /// <summary>
    /// Multiple sequences: from the true window ending before row <c>T + k·predictionLength</c>, predict
    /// <paramref name="predictionLength"/> steps recursively, for k = 0, 1, ... while the run starts inside the series.
    /// </summary>
    public SeriesPrediction PredictMultipleSequences(IDataView series, int predictionLength, CovariatePolicy policy = CovariatePolicy.HoldLastValue)
    {
        Guard.AtLeast(predictionLength, 1);
        var values = ReadSeries(series, T + 1);
        int n = values.Length;
        var starts = new List<int>();
        for (int s = 0; s + T < n; s += predictionLength)
            starts.Add(s);
        var runs = starts.Select(s => new Run(s, Math.Min(predictionLength, n - (s + T)))).ToArray();
        var segments = Recurse(values, runs, policy, futureCovariates: null, SeriesPredictionMode.MultipleSequences);
        return new SeriesPrediction(SeriesPredictionMode.MultipleSequences, policy, Observed(values), segments);
    }

    /// <summary>Full sequence: recursive from the first true window over every following row of the series.</summary>
    public SeriesPrediction PredictFullSequence(IDataView series, CovariatePolicy policy = CovariatePolicy.HoldLastValue)
    {
        var values = ReadSeries(series, T + 1);
        var segments = Recurse(values, new[] { new Run(0, values.Length - T) }, policy, futureCovariates: null, SeriesPredictionMode.FullSequence);
        return new SeriesPrediction(SeriesPredictionMode.FullSequence, policy, Observed(values), segments);
    }

    /// <summary>
    /// Forecasts <paramref name="steps"/> values of the target after the series' last row, in label units, starting
    /// from the window of its last T rows.
    /// </summary>
    /// <param name="series">The series, in time order; only its last T rows are used.</param>
    /// <param name="steps">How many steps to forecast.</param>
    /// <param name="policy">How to fill the other input columns for the forecast steps.</param>
    /// <param name="futureCovariates">
    /// With <see cref="CovariatePolicy.FromCaller"/>: one array of F values per forecast step (at least
    /// <paramref name="steps"/> - 1 of them; the target's entry is ignored), in <see cref="SeriesWindowing.FeatureColumnNames"/> order.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is below 1 or above <see cref="MaxForecastSteps"/>.</exception>
    /// <exception cref="InvalidOperationException">A prediction is NaN or ±∞ (a diverging recursion, or a window the model cannot score).</exception>
    public SeriesPrediction Forecast(IDataView series, int steps, CovariatePolicy policy = CovariatePolicy.HoldLastValue,
        IReadOnlyList<float[]>? futureCovariates = null)
    {
        Guard.AtLeast(steps, 1);
        if (steps > MaxForecastSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps,
                $"'steps' is {steps} but a forecast has at most {MaxForecastSteps:N0} steps (SeriesForecaster.MaxForecastSteps): each step feeds a " +
                "prediction back into the window, so errors compound long before that. Forecast fewer steps (for a long horizon, " +
                "forecast in pieces, or train a model with a larger horizon).");
        }
        if (policy == CovariatePolicy.FromCaller && F > 1)
        {
            int needed = Math.Max(0, steps - 1);
            if (futureCovariates is null || futureCovariates.Count < needed)
            {
                throw new ArgumentException(
                    $"CovariatePolicy.FromCaller needs the future values of columns {string.Join(", ", OtherColumns())} for the " +
                    $"{needed} forecast step(s) after the first: pass futureCovariates with {needed} arrays of {F} values " +
                    $"(got {futureCovariates?.Count ?? 0}), or use CovariatePolicy.HoldLastValue.", nameof(futureCovariates));
            }
            for (int i = 0; i < needed; i++)
            {
                if (futureCovariates[i] is null || futureCovariates[i].Length != F)
                {
                    throw new ArgumentException(
                        $"futureCovariates[{i}] has {futureCovariates[i]?.Length ?? 0} values; it needs {F}, one per column " +
                        $"{string.Join(", ", Windowing.FeatureColumnNames)}.", nameof(futureCovariates));
                }
            }
        }
        var values = ReadSeries(series, T);
        int n = values.Length;
        var segments = Recurse(values, new[] { new Run(n - T, steps) }, policy, futureCovariates, SeriesPredictionMode.Forecast);
        return new SeriesPrediction(SeriesPredictionMode.Forecast, policy, Observed(values), segments);
    }

    /// <summary>Point by point on a DataFrame.</summary>
    public SeriesPrediction PredictPointByPoint(DataFrame series) => PredictPointByPoint((IDataView)Guard.NotNull(series));

    /// <summary>Multiple sequences on a DataFrame.</summary>
    public SeriesPrediction PredictMultipleSequences(DataFrame series, int predictionLength, CovariatePolicy policy = CovariatePolicy.HoldLastValue)
        => PredictMultipleSequences((IDataView)Guard.NotNull(series), predictionLength, policy);

    /// <summary>Full sequence on a DataFrame.</summary>
    public SeriesPrediction PredictFullSequence(DataFrame series, CovariatePolicy policy = CovariatePolicy.HoldLastValue)
        => PredictFullSequence((IDataView)Guard.NotNull(series), policy);

    /// <summary>Forecast past the end of a DataFrame.</summary>
    public SeriesPrediction Forecast(DataFrame series, int steps, CovariatePolicy policy = CovariatePolicy.HoldLastValue,
        IReadOnlyList<float[]>? futureCovariates = null)
        => Forecast((IDataView)Guard.NotNull(series), steps, policy, futureCovariates);

    private readonly record struct Run(int WindowStart, int Length);

    /// <summary>
    /// Recursive prediction of several runs in lockstep: each round scores the current window of every unfinished run in
    /// one batch, appends up to h predictions per run and slides its window.
    /// </summary>
    private ForecastSegment[] Recurse(float[][] values, Run[] runs, CovariatePolicy policy, IReadOnlyList<float[]>? futureCovariates,
        SeriesPredictionMode mode)
    {
        int n = values.Length;
        var windows = runs.Select(r => TrueWindow(values, r.WindowStart)).ToArray();
        var outputs = runs.Select(r => new List<float>(r.Length)).ToArray();
        // Covariates held at their last observed value: the window's last row before any prediction.
        var held = runs.Select(r => (float[])values[r.WindowStart + T - 1].Clone()).ToArray();
        var next = new float[F];
        while (true)
        {
            var active = Enumerable.Range(0, runs.Length).Where(i => outputs[i].Count < runs[i].Length).ToArray();
            if (active.Length == 0)
                break;
            var scores = ScoreWindows(active.Select(i => windows[i]).ToArray());
            for (int a = 0; a < active.Length; a++)
            {
                int i = active[a];
                for (int j = 0; j < H && outputs[i].Count < runs[i].Length; j++)
                {
                    float prediction = scores[a][j];
                    int row = runs[i].WindowStart + T + outputs[i].Count; // the row this value predicts
                    CheckPrediction(prediction, mode, runs[i].WindowStart, outputs[i].Count + 1);
                    outputs[i].Add(prediction);
                    if (outputs[i].Count == runs[i].Length)
                        break;
                    FillNextRow(next, prediction, row, n, values, held[i], policy, futureCovariates);
                    Slide(windows[i], next);
                }
            }
        }
        return runs.Select((r, i) => new ForecastSegment(r.WindowStart + T, outputs[i].ToArray())).ToArray();
    }

    /// <summary>A prediction must be a number: NaN or ±∞ is an error naming the step and the likely fixes.</summary>
    private void CheckPrediction(float prediction, SeriesPredictionMode mode, int windowStart, int step)
    {
        if (float.IsFinite(prediction))
            return;
        int row = windowStart + T + step - 1;
        throw new InvalidOperationException(
            $"SeriesForecaster ({mode}): the model's prediction for step {step} (row {row} of the series, from the window that starts at row {windowStart}) is {prediction.ToString(System.Globalization.CultureInfo.InvariantCulture)}. " +
            (step > H
                ? "The recursion diverged: each prediction is fed back as the newest step of the window, and the values grew out of range. " +
                  $"Predict fewer steps (the first {step - 1} were finite), or use a model trained on normalised windows (NormalizeWindows) so that its forecasts stay in range."
                : "The model cannot score that window: it holds a value the model's normalisation cannot use (e.g. RelativeToFirst divides by the window's first value, which is 0 here), " +
                  "so its Score is NaN. Use WindowNormalization.MinMax or ZScore for series that reach 0, or shift the series away from 0. " +
                  "With SeriesMinMax or SeriesZScore loaded by stock mlContext.Model.Load, a series key unseen at fit time also scores NaN: refit with that series."));
    }

    private void FillNextRow(float[] next, float prediction, int row, int n, float[][] values, float[] held,
        CovariatePolicy policy, IReadOnlyList<float[]>? futureCovariates)
    {
        for (int f = 0; f < F; f++)
        {
            if (f == Windowing.TargetIndex)
                next[f] = prediction;
            else if (policy == CovariatePolicy.HoldLastValue)
                next[f] = held[f];
            else if (row < n)
                next[f] = values[row][f];
            else
                next[f] = futureCovariates![row - n][f];
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

    private IEnumerable<string> OtherColumns() =>
        Windowing.FeatureColumnNames.Where((_, f) => f != Windowing.TargetIndex);

    /// <summary>Scores windows in one batch through the model; returns h values per window.</summary>
    private float[][] ScoreWindows(float[][] windows, float[][]? futures = null, SeriesKeys? keys = null)
    {
        var input = futures is null && keys is null ? WindowInput(windows) : ModelInput(windows, futures, keys);
        var scored = _model.Transform(input);
        var scoreColumn = scored.Schema.GetColumnOrNull(Windowing.ScoreColumnName)
            ?? throw new InvalidOperationException(
                $"The model has no score column '{Windowing.ScoreColumnName}'. Columns: {string.Join(", ", scored.Schema.Select(c => c.Name))}.");
        var result = new float[windows.Length][];
        using var cursor = scored.GetRowCursor(new[] { scoreColumn });
        int i = 0;
        if (scoreColumn.Type is VectorDataViewType)
        {
            var getter = cursor.GetGetter<VBuffer<float>>(scoreColumn);
            VBuffer<float> buffer = default;
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                result[i++] = buffer.DenseValues().ToArray();
            }
        }
        else
        {
            var getter = cursor.GetGetter<float>(scoreColumn);
            float value = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                result[i++] = new[] { value };
            }
        }
        if (i != windows.Length || result.Any(r => r.Length < H))
        {
            throw new InvalidOperationException(
                $"The model returned {i} score row(s) of {(i > 0 ? result[0].Length : 0)} value(s) for {windows.Length} window(s); " +
                $"expected {H} value(s) per window. Check that SeriesWindowing.Horizon matches the model.");
        }
        return result;
    }

    private IDataView WindowInput(float[][] windows)
    {
        if (Windowing.FutureColumnName is not null)
        {
            throw new InvalidOperationException(
                $"The model reads known-future covariates (column '{Windowing.FutureColumnName}' from {string.Join(", ", Windowing.FutureCovariateColumnNames ?? Array.Empty<string>())}), " +
                "which this method does not supply. Use the ...BySeries methods (e.g. ForecastBySeries), which fill it from the data and from the values you pass for the steps past its end.");
        }
        var windowType = new VectorDataViewType(NumberDataViewType.Single, T, F);
        var inputDefinition = SchemaDefinition.Create(typeof(WindowRow));
        // The definition's indexer looks columns up by their (current) column name: take the column once, then rename it.
        var windowColumn = inputDefinition[nameof(WindowRow.Window)];
        windowColumn.ColumnName = Windowing.WindowColumnName;
        windowColumn.ColumnType = windowType;
        return _mlContext.Data.LoadFromEnumerable(windows.Select(w => new WindowRow { Window = w }), inputDefinition);
    }

    /// <summary>Reads the feature columns of the series into memory as Single, one array of F values per row.</summary>
    private float[][] ReadSeries(IDataView series, int minimumRows)
    {
        Guard.NotNull(series);
        var names = Windowing.FeatureColumnNames;
        var columns = new DataViewSchema.Column[F];
        for (int f = 0; f < F; f++)
        {
            columns[f] = series.Schema.GetColumnOrNull(names[f])
                ?? throw new ArgumentException(
                    $"The series has no column '{names[f]}', which the model's windows need. Columns: " +
                    $"{string.Join(", ", series.Schema.Select(c => c.Name))}.", nameof(series));
            if (!NumericColumnReader.IsSupported(columns[f].Type))
            {
                throw new ArgumentException(
                    $"Column '{names[f]}' has type {columns[f].Type}; a series column must be a numeric scalar (Single, Double or an integer type).",
                    nameof(series));
            }
        }
        var rows = new List<float[]>();
        using (var cursor = series.GetRowCursor(columns.Distinct()))
        {
            var readers = columns.Select(c => NumericColumnReader.Create(cursor, c, "SeriesForecaster")).ToArray();
            while (cursor.MoveNext())
            {
                var row = new float[F];
                for (int f = 0; f < F; f++)
                {
                    row[f] = readers[f]();
                    if (!float.IsFinite(row[f]))
                    {
                        throw new InvalidOperationException(
                            $"Column '{names[f]}' is {row[f]} at row {rows.Count}. Fill or drop missing values before forecasting.");
                    }
                }
                rows.Add(row);
            }
        }
        if (rows.Count < minimumRows)
        {
            throw new ArgumentException(
                $"The series has {rows.Count} row(s); this needs at least {minimumRows} (window size {T}).", nameof(series));
        }
        return rows.ToArray();
    }

    private sealed class WindowRow
    {
        public float[] Window { get; set; } = Array.Empty<float>();
    }
}
