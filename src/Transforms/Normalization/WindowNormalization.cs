namespace MLNet.Lstm;

/// <summary>
/// How <see cref="NormalizeWindowsTransformer"/> rescales each window. Every mode is an affine map per window and per
/// feature column f: <c>w'[t,f] = (w[t,f] - shift[f]) / scale[f]</c>; the inverse is <c>w = w' * scale[f] + shift[f]</c>.
/// A column holding NaN or ±∞ cannot be normalised: its shift, scale and values are NaN.
/// </summary>
public enum WindowNormalization
{
    /// <summary>No rescaling: shift 0, scale 1.</summary>
    None = 0,

    /// <summary>
    /// The Keras stock tutorial's <c>normalise_windows</c> rule: shift = scale = <c>w[0,f]</c>, so
    /// <c>w' = w / w0 - 1</c>. A window whose first value is zero in some column cannot be normalised: that column
    /// is NaN at prediction time (and the LSTM's Score NaN), and labelled data reports it as an error (see
    /// <see cref="NormalizeWindowsTransformer"/>); use <see cref="MinMax"/> or <see cref="ZScore"/> for series that
    /// cross zero.
    /// </summary>
    RelativeToFirst = 1,

    /// <summary>shift = min over the window, scale = max - min (scale 1 when max equals min).</summary>
    MinMax = 2,

    /// <summary>shift = mean over the window, scale = population standard deviation (scale 1 when it is 0).</summary>
    ZScore = 3,

    /// <summary>
    /// shift = scale = the window's last value <c>w[T-1,f]</c>, so <c>w' = w / w_last - 1</c>: the model predicts a
    /// change from the last observed value, and a zero output is the persistence forecast (the natural choice for
    /// prices). A zero or non-finite last value follows the <see cref="RelativeToFirst"/> rule (NaN at prediction time,
    /// an error for labelled data).
    /// </summary>
    RelativeToLast = 4,

    /// <summary>
    /// Series-level min-max scaling, the tutorials' <c>MinMaxScaler</c>: per series key and per column f, shift = the
    /// minimum and scale = max - min (1 when max equals min) over the values the training windows of that key cover,
    /// fitted once by <see cref="NormalizeWindowsEstimator"/> and stored in the saved model. Every window of a key is
    /// mapped with its key's statistics, so the trainer's inverse gives label units. The key column is the one the
    /// window column's <see cref="WindowAnnotations.WindowSeriesColumn"/> annotation names (one group when it has
    /// none); a key unseen at fit time is an error in this library and NaN in a stock-loaded zip (see
    /// <see cref="NormalizeWindowsTransformer"/>).
    /// </summary>
    SeriesMinMax = 5,

    /// <summary>
    /// Series-level standardisation, the tutorials' <c>StandardScaler</c>: per series key and per column f, shift =
    /// the mean and scale = the population standard deviation (1 when it is 0) over the values the training windows
    /// of that key cover, each counted once; otherwise as <see cref="SeriesMinMax"/>.
    /// </summary>
    SeriesZScore = 6,
}
