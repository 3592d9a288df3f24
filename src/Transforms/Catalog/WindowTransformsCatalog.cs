using MLNet.Lstm;
using MLNet.Lstm.Internal;

namespace Microsoft.ML;

/// <summary>Catalog methods for the MLNet.Lstm window transforms: <c>mlContext.Transforms.SlidingWindow(...)</c>, <c>mlContext.Transforms.NormalizeWindows(...)</c>, <c>mlContext.Transforms.SeasonalFeatures(...)</c>.</summary>
public static class WindowTransformsCatalog
{
    /// <summary>
    /// Turns a time-ordered series (one row per step) into one row per sliding window of <paramref name="windowSize"/>
    /// steps, with the label <paramref name="horizon"/> steps ahead. See <see cref="SlidingWindowEstimator"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Name of the window column (<c>Vector&lt;Single&gt;</c>, dimensions <c>[T, F]</c>).</param>
    /// <param name="inputColumnNames">The F numeric scalar input columns.</param>
    /// <param name="windowSize">T, time steps per window (at least 1).</param>
    /// <param name="horizon">h, steps from the window's last row to the (last) label value (at least 1).</param>
    /// <param name="labelColumnName">Name of the label column to produce.</param>
    /// <param name="targetColumnName">The column the label forecasts; default the first input column.</param>
    /// <param name="stride">Rows between the last rows of consecutive windows (at least 1).</param>
    /// <param name="seriesColumnName">The series key column (text or integer) of a table of several series, each
    /// contiguous and in time order; null (default) for one series. Windows never cross keys.</param>
    /// <returns>The estimator.</returns>
    public static SlidingWindowEstimator SlidingWindow(this TransformsCatalog catalog, string outputColumnName, string[] inputColumnNames, int windowSize,
        int horizon = 1, string labelColumnName = "Label", string? targetColumnName = null, int stride = 1, string? seriesColumnName = null)
    {
        Guard.NotNull(catalog);
        return new SlidingWindowEstimator(new SlidingWindowEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnNames = inputColumnNames,
            WindowSize = windowSize,
            Horizon = horizon,
            LabelColumnName = labelColumnName,
            TargetColumnName = targetColumnName,
            Stride = stride,
            SeriesColumnName = seriesColumnName,
        });
    }

    /// <summary>Sliding windows with all options (trailing unlabeled windows, skipping non-finite windows, ...).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters.</param>
    /// <returns>The estimator.</returns>
    public static SlidingWindowEstimator SlidingWindow(this TransformsCatalog catalog, SlidingWindowEstimator.Options options)
    {
        Guard.NotNull(catalog);
        return new SlidingWindowEstimator(options);
    }

    /// <summary>
    /// Normalises each window on its own (and the label with the target column's shift and scale). See
    /// <see cref="NormalizeWindowsEstimator"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Name of the normalised window column.</param>
    /// <param name="inputColumnName">Name of the window column; default <paramref name="outputColumnName"/>.</param>
    /// <param name="mode">The normalisation.</param>
    /// <returns>The estimator.</returns>
    public static NormalizeWindowsEstimator NormalizeWindows(this TransformsCatalog catalog, string outputColumnName, string? inputColumnName = null,
        WindowNormalization mode = WindowNormalization.RelativeToFirst)
    {
        Guard.NotNull(catalog);
        return new NormalizeWindowsEstimator(new NormalizeWindowsEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            Mode = mode,
        });
    }

    /// <summary>Per-window normalisation with all options (label, shift and scale column names, T, target index).</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters.</param>
    /// <returns>The estimator.</returns>
    public static NormalizeWindowsEstimator NormalizeWindows(this TransformsCatalog catalog, NormalizeWindowsEstimator.Options options)
    {
        Guard.NotNull(catalog);
        return new NormalizeWindowsEstimator(options);
    }

    /// <summary>
    /// Calendar features: <paramref name="harmonics"/> sin/cos pairs of the input's position in
    /// <paramref name="period"/>, as Single columns <c>{outputColumnName}Sin{k}</c> and <c>{outputColumnName}Cos{k}</c>.
    /// See <see cref="SeasonalFeaturesEstimator"/>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Prefix of the output columns.</param>
    /// <param name="inputColumnName">A numeric row-index column (position = value mod period) or a DateTime column.</param>
    /// <param name="period">Rows per season (numeric), or 12, 7, 24, 4, 365 or 366 for a DateTime (month of year, day of
    /// week, hour of day, quarter, day of year).</param>
    /// <param name="harmonics">The number of sin/cos pairs (at least 1).</param>
    /// <returns>The estimator.</returns>
    public static SeasonalFeaturesEstimator SeasonalFeatures(this TransformsCatalog catalog, string outputColumnName, string inputColumnName, int period, int harmonics = 1)
    {
        Guard.NotNull(catalog);
        return new SeasonalFeaturesEstimator(new SeasonalFeaturesEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            Period = period,
            Harmonics = harmonics,
        });
    }

    /// <summary>Calendar features with all options.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">The parameters.</param>
    /// <returns>The estimator.</returns>
    public static SeasonalFeaturesEstimator SeasonalFeatures(this TransformsCatalog catalog, SeasonalFeaturesEstimator.Options options)
    {
        Guard.NotNull(catalog);
        return new SeasonalFeaturesEstimator(options);
    }
}
