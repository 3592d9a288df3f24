using System.Globalization;
using MLNet.Lstm;

namespace ForecastService;

/// <summary>
/// The 422 detail for a request whose last window the model scores as NaN or ±∞: the model's normalisation, the
/// window's value range per column, the likely cause for that normalisation, and the fix.
/// </summary>
public static class UnscorableWindow
{
    /// <summary>The detail for a valid <paramref name="request"/> whose last window scored <paramref name="score"/>.</summary>
    public static string Describe(ForecastRequest request, SeriesWindowing windowing, WindowNormalization? normalization, float score)
    {
        var windows = windowing.FeatureColumnNames.Select(name =>
        {
            var values = request.Series![name]!;
            return (Name: name, Values: values.Skip(values.Length - windowing.WindowSize).Select(v => v!.Value).ToArray());
        }).ToArray();
        string ranges = string.Join("; ", windows.Select(w => $"series.{w.Name} from {Format(w.Values.Min())} to {Format(w.Values.Max())}"));
        string? zeroFirst = windows.FirstOrDefault(w => w.Values[0] == 0).Name;
        string? zeroLast = windows.FirstOrDefault(w => w.Values[^1] == 0).Name;
        string cause = normalization switch
        {
            WindowNormalization.RelativeToFirst when zeroFirst is not null =>
                $"The model normalises windows with RelativeToFirst, which divides by the window's first value, and that is 0 in series.{zeroFirst}. " +
                "Send a window that does not start at 0, or use a model trained with MinMax or ZScore windows.",
            WindowNormalization.RelativeToLast when zeroLast is not null =>
                $"The model normalises windows with RelativeToLast, which divides by the window's last value, and that is 0 in series.{zeroLast}. " +
                "Send a window that does not end at 0, or use a model trained with MinMax or ZScore windows.",
            null =>
                "The model has no NormalizeWindows step, and its single-precision arithmetic overflows on values of this size. " +
                "Send values in the range the model was trained on, or train it on a rescaled series (e.g. divided by a power of 10) and rescale requests the same way.",
            _ =>
                $"The model normalises windows with {normalization}, and its single-precision arithmetic overflows on values of this size. " +
                "Send values in the range the model was trained on, or train it on a rescaled series (e.g. divided by a power of 10) and rescale requests the same way.",
        };
        return $"The model's score for the request's last window (the last {windowing.WindowSize} values of each column: {ranges}) is " +
            $"{score.ToString(CultureInfo.InvariantCulture)}, not a finite number. {cause}";
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
