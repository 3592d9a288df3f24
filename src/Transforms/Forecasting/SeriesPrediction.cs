namespace MLNet.Lstm;

/// <summary>How recursive prediction fills the input columns other than the target for the steps it predicts.</summary>
/// <remarks>
/// A recursive forecast feeds each prediction back as the newest step of the window. The target column gets the
/// prediction; the other input columns (e.g. another index, a volume) need values too. The Keras tutorial writes the
/// predicted target into every column (a volume gets a price); MLNet.Lstm never does that and asks for one of these
/// policies instead.
/// </remarks>
public enum CovariatePolicy
{
    /// <summary>Each other column keeps the last value observed before the first predicted step.</summary>
    HoldLastValue,

    /// <summary>
    /// The other columns take values from the caller: inside the series, the series' own observed values for those rows;
    /// past its end, the <c>futureCovariates</c> argument of <see cref="SeriesForecaster.Forecast(Microsoft.ML.IDataView, int, CovariatePolicy, IReadOnlyList{float[]})"/>.
    /// </summary>
    FromCaller,
}

/// <summary>The prediction modes of <see cref="SeriesForecaster"/> (<see cref="SeriesPrediction.Mode"/>).</summary>
public enum SeriesPredictionMode
{
    /// <summary>One step ahead from every true window (<see cref="SeriesForecaster.PredictPointByPoint(Microsoft.ML.IDataView)"/>).</summary>
    PointByPoint,

    /// <summary>Recursive runs restarted from true windows (<see cref="SeriesForecaster.PredictMultipleSequences(Microsoft.ML.IDataView, int, CovariatePolicy)"/>).</summary>
    MultipleSequences,

    /// <summary>Recursive from the first true window over the whole series (<see cref="SeriesForecaster.PredictFullSequence(Microsoft.ML.IDataView, CovariatePolicy)"/>).</summary>
    FullSequence,

    /// <summary>The steps after the series' last row (<see cref="SeriesForecaster.Forecast(Microsoft.ML.IDataView, int, CovariatePolicy, IReadOnlyList{float[]})"/>).</summary>
    Forecast,
}

/// <summary>A run of consecutive predicted values of the target, starting at a row of the series.</summary>
/// <param name="StartRow">Row index (0-based, in the series) of the first predicted value.</param>
/// <param name="Values">Predicted target values for rows <c>StartRow</c>, <c>StartRow + 1</c>, ... in label units.</param>
public sealed record ForecastSegment(int StartRow, float[] Values);

/// <summary>The result of one prediction mode of <see cref="SeriesForecaster"/>.</summary>
public sealed class SeriesPrediction
{
    internal SeriesPrediction(SeriesPredictionMode mode, CovariatePolicy? policy, float[] observed, IReadOnlyList<ForecastSegment> segments)
    {
        Mode = mode;
        CovariatePolicy = policy;
        Observed = observed;
        Segments = segments;
    }

    /// <summary>The prediction mode that made this result.</summary>
    public SeriesPredictionMode Mode { get; }

    /// <summary>
    /// The policy used for the other input columns in recursive modes; null for point-by-point prediction, which feeds
    /// nothing back.
    /// </summary>
    public CovariatePolicy? CovariatePolicy { get; }

    /// <summary>The observed target values of the series, one per row (for plots and comparisons).</summary>
    public float[] Observed { get; }

    /// <summary>
    /// The rows of left-padding (copies of the first row) the forecast's first window needed because the series is
    /// shorter than the window (<c>SeriesForecaster.ForecastBySeries</c>); 0 when none. <see cref="Observed"/> and the
    /// segments' rows are the series' own.
    /// </summary>
    public int PaddedRows { get; init; }

    /// <summary>The predicted runs. Point-by-point: one value per window; multiple sequences: one run per restart.</summary>
    public IReadOnlyList<ForecastSegment> Segments { get; }

    /// <summary>The predictions laid out on the series' rows (NaN where a row has no prediction); past-end forecasts excluded.</summary>
    public float[] ToRowAligned()
    {
        var aligned = new float[Observed.Length];
        Array.Fill(aligned, float.NaN);
        foreach (var segment in Segments)
        {
            for (int i = 0; i < segment.Values.Length && segment.StartRow + i < aligned.Length; i++)
                aligned[segment.StartRow + i] = segment.Values[i];
        }
        return aligned;
    }
}
