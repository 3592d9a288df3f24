using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

/// <summary>
/// Runs a fitted forecasting model over a whole series in the prediction modes of the Keras stock tutorial, and
/// forecasts past the end of the data.
/// </summary>
/// <remarks>
/// <para>Input: a fitted chain mapping a window column (<c>Single</c> vector of T·F values, time-major) to a score in
/// label units, e.g. <c>SlidingWindow → NormalizeWindows → Lstm</c>; the series has the
/// <see cref="SeriesWindowing.FeatureColumnNames"/> as numeric scalars, one row per step in time order, read into
/// memory. Modes: point by point, multiple sequences, full sequence and <c>Forecast</c> past the end; the
/// <c>...BySeries</c> methods do the same for every key of a multi-series input (and fill known-future covariates),
/// returning one <see cref="SeriesPrediction"/> per key.</para>
/// <para>Errors: a non-finite input value or a NaN or ±∞ prediction is an <see cref="InvalidOperationException"/>
/// naming the column or step and the row; the single-series methods refuse a model with future covariates and data
/// holding more than one key. See docs/windows.md, "Forecasting a whole
/// series".</para>
/// </remarks>
public sealed partial class SeriesForecaster : IDisposable
{
    private readonly WindowScorer _scorer;
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
        Guard.NotNull(model);
        Guard.NotNull(windowing);
        windowing.Validate();
        _scorer = new WindowScorer(model, windowing);
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
        var window = TransformerChains.Leaves(model).OfType<SlidingWindowTransformer>().FirstOrDefault()
            ?? throw new ArgumentException(
                "The model contains no SlidingWindowTransformer, so its windowing is unknown. Fit a chain that starts with " +
                "mlContext.Transforms.SlidingWindow(...), or create the forecaster with new SeriesForecaster(model, new SeriesWindowing(...)).",
                nameof(model));
        return new SeriesForecaster(model, SeriesWindowing.Of(window, scoreColumnName));
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
            var steps = TransformerChains.Leaves(model).ToArray();
            var window = steps.OfType<SlidingWindowTransformer>().FirstOrDefault()
                ?? throw new InvalidOperationException(
                    $"The model '{modelPath}' has no saved SlidingWindow step, so its windowing is unknown. Save the whole fitted " +
                    "chain (SlidingWindow → ... → Lstm), or create the forecaster with new SeriesForecaster(model, new SeriesWindowing(...)).");
            var lstm = steps.OfType<LstmForecastingTransformer>().LastOrDefault();
            if (lstm is not null && lstm.ScoreColumnName != scoreColumnName)
            {
                throw new InvalidOperationException(
                    $"The model '{modelPath}' scores into column '{lstm.ScoreColumnName}', not '{scoreColumnName}'. Pass scoreColumnName: \"{lstm.ScoreColumnName}\".");
            }
            return new SeriesForecaster(model, SeriesWindowing.Of(window, scoreColumnName), ownsModel: true);
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
        if (_ownsModel && Model is IDisposable disposable)
            disposable.Dispose();
    }

    /// <summary>
    /// The most steps <see cref="Forecast(IDataView, int, CovariatePolicy, IReadOnlyList{float[]})"/> takes: 1,000,000
    /// (4 MB of predictions; each step of a horizon-1 model is one scoring call).
    /// </summary>
    public const int MaxForecastSteps = 1_000_000;

    /// <summary>The windowing of the model.</summary>
    public SeriesWindowing Windowing => _scorer.Windowing;

    /// <summary>The model the forecaster scores windows with.</summary>
    public ITransformer Model => _scorer.Model;

    /// <summary>The scorer of the model's windows (shared with <c>Backtest</c>'s direct path).</summary>
    internal WindowScorer Scorer => _scorer;

    private int T => Windowing.WindowSize;
    private int F => Windowing.FeatureCount;
    private int H => Windowing.Horizon;

    /// <summary>
    /// Point by point: for every window of true values, the model's first-step prediction for the row after it
    /// (one segment of one value per window, including the window that ends at the last row).
    /// </summary>
    /// <exception cref="ArgumentException">On a model with a series key, the data holds more than one key (use <see cref="PredictPointByPointBySeries"/>).</exception>
    public SeriesPrediction PredictPointByPoint(IDataView series)
    {
        var s = ReadOneSeries(series, T, nameof(PredictPointByPoint));
        var jobs = Enumerable.Range(0, s.Values.Length - T + 1).Select(start => new Job(s, new Run(start, 1), null, null)).ToArray();
        return PredictOne(s, jobs, SeriesPredictionMode.PointByPoint, null);
    }

    /// <summary>
    /// Multiple sequences: from the true window ending before row <c>T + k·predictionLength</c>, predict
    /// <paramref name="predictionLength"/> steps recursively, for k = 0, 1, ... while the run starts inside the series.
    /// </summary>
    /// <exception cref="ArgumentException">On a model with a series key, the data holds more than one key (use <see cref="PredictMultipleSequencesBySeries"/>).</exception>
    public SeriesPrediction PredictMultipleSequences(IDataView series, int predictionLength, CovariatePolicy policy = CovariatePolicy.HoldLastValue)
    {
        Guard.AtLeast(predictionLength, 1);
        var s = ReadOneSeries(series, T + 1, nameof(PredictMultipleSequences));
        return PredictOne(s, MultipleSequenceJobs(s, predictionLength, null).ToArray(), SeriesPredictionMode.MultipleSequences, policy);
    }

    /// <summary>Full sequence: recursive from the first true window over every following row of the series.</summary>
    /// <exception cref="ArgumentException">On a model with a series key, the data holds more than one key (use <see cref="PredictFullSequenceBySeries"/>).</exception>
    public SeriesPrediction PredictFullSequence(IDataView series, CovariatePolicy policy = CovariatePolicy.HoldLastValue)
    {
        var s = ReadOneSeries(series, T + 1, nameof(PredictFullSequence));
        return PredictOne(s, new[] { new Job(s, new Run(0, s.Values.Length - T), null, null) }, SeriesPredictionMode.FullSequence, policy);
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
    /// <exception cref="ArgumentException">On a model with a series key, the data holds more than one key (use <see cref="ForecastBySeries"/>).</exception>
    /// <exception cref="InvalidOperationException">A prediction is NaN or ±∞ (a diverging recursion, or a window the model cannot score).</exception>
    public SeriesPrediction Forecast(IDataView series, int steps, CovariatePolicy policy = CovariatePolicy.HoldLastValue,
        IReadOnlyList<float[]>? futureCovariates = null)
    {
        CheckSteps(steps, withAdvice: true);
        if (policy == CovariatePolicy.FromCaller && F > 1)
            CheckCallerCovariates(futureCovariates, Math.Max(0, steps - 1));
        var s = ReadOneSeries(series, T, nameof(Forecast));
        var job = new Job(s, new Run(s.Values.Length - T, steps), policy == CovariatePolicy.FromCaller ? futureCovariates : null, null);
        return PredictOne(s, new[] { job }, SeriesPredictionMode.Forecast, policy);
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

    private SeriesPrediction PredictOne(KeyedSeries s, Job[] jobs, SeriesPredictionMode mode, CovariatePolicy? policy)
        => Collect(new[] { s }, jobs, RecurseJobs(jobs, policy ?? CovariatePolicy.HoldLastValue, mode, bySeries: false), mode, policy)[s.Key];

    private void CheckSteps(int steps, bool withAdvice)
    {
        Guard.AtLeast(steps, 1);
        if (steps > MaxForecastSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps,
                $"'steps' is {steps} but a forecast has at most {MaxForecastSteps:N0} steps (SeriesForecaster.MaxForecastSteps)" + (withAdvice
                    ? ": each step feeds a prediction back into the window, so errors compound long before that. Forecast fewer steps (for a long horizon, " +
                      "forecast in pieces, or train a model with a larger horizon)."
                    : "."));
        }
    }

    private void CheckCallerCovariates(IReadOnlyList<float[]>? futureCovariates, int needed)
    {
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

    private IEnumerable<string> OtherColumns() =>
        Windowing.FeatureColumnNames.Where((_, f) => f != Windowing.TargetIndex);
}
