using System.Globalization;

namespace MLNet.Lstm.Training;

/// <summary>Checks of the interval options (<c>Quantiles</c>, <c>ConformalLevel</c>, <c>CalibrationFraction</c>).</summary>
internal static class IntervalOptions
{
    public static void Validate(float[]? quantiles, float? conformalLevel, float calibrationFraction, LstmLoss loss)
    {
        if (quantiles is not null)
        {
            string text = $"[{string.Join(", ", quantiles.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]";
            if (quantiles.Length == 0)
                throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.Quantiles), text,
                    "Quantiles is empty; give one or more levels in (0, 1), e.g. [0.05, 0.5, 0.95], or null for a point model.");
            var bad = quantiles.FirstOrDefault(v => !(v > 0 && v < 1));
            if (quantiles.Any(v => !(v > 0 && v < 1)))
                throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.Quantiles), text,
                    $"Quantiles {text} has the level {bad.ToString(CultureInfo.InvariantCulture)} outside (0, 1); every level must lie strictly between 0 and 1, e.g. [0.05, 0.5, 0.95].");
            for (int i = 1; i < quantiles.Length; i++)
            {
                if (!(quantiles[i] > quantiles[i - 1]))
                    throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.Quantiles), text,
                        $"Quantiles {text} must be sorted and distinct, but {quantiles[i - 1].ToString(CultureInfo.InvariantCulture)} is followed by {quantiles[i].ToString(CultureInfo.InvariantCulture)}; " +
                        "remove duplicates and sort the levels in increasing order.");
            }
            if (quantiles.All(v => v == 0.5f))
                throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.Quantiles), text,
                    $"Quantiles {text} holds only the median, which gives no interval (LowerBound = UpperBound = Score); " +
                    "add a level below and one above 0.5, e.g. [0.05, 0.5, 0.95], or set Quantiles = null (with ConformalLevel for a conformal interval around the point forecast).");
            if (loss != LstmLoss.Mse)
                throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.Loss), loss,
                    $"Loss {loss} cannot be combined with Quantiles {text}: a quantile head trains with the pinball loss. Leave Loss at Mse, or set Quantiles = null.");
        }
        if (conformalLevel is float level && !(level > 0 && level < 1))
            throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.ConformalLevel), level,
                $"ConformalLevel is {level.ToString(CultureInfo.InvariantCulture)}; it must be in (0, 1), e.g. 0.9 for a 90% interval, or null for no conformal calibration.");
        if (!(calibrationFraction > 0 && calibrationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.CalibrationFraction), calibrationFraction,
                $"CalibrationFraction is {calibrationFraction.ToString(CultureInfo.InvariantCulture)}; it must be in (0, 1), e.g. 0.2 (the default).");
    }

    /// <summary>
    /// The number of calibration windows out of <paramref name="available"/> (the windows left after the validation
    /// split); throws when they are too few for the level, saying how many are needed.
    /// </summary>
    public static int CalibrationCount(float conformalLevel, float fraction, int available)
    {
        int n = (int)Math.Round(available * (double)fraction);
        CheckCalibrationCount(conformalLevel, fraction, available, n);
        return n;
    }

    /// <summary>
    /// Checks <paramref name="n"/> calibration windows out of <paramref name="available"/> (e.g. the sum of each
    /// series' share): enough for the level, and some windows left to train on.
    /// </summary>
    public static void CheckCalibrationCount(float conformalLevel, float fraction, int available, int n)
    {
        int needed = ConformalQuantile.WindowsNeeded(conformalLevel);
        if (n < needed)
        {
            int total = (int)Math.Ceiling(needed / (double)fraction);
            throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.CalibrationFraction), fraction,
                $"ConformalLevel {conformalLevel.ToString(CultureInfo.InvariantCulture)} needs at least {needed} calibration windows (⌈(n + 1)·level⌉ ≤ n), " +
                $"but CalibrationFraction {fraction.ToString(CultureInfo.InvariantCulture)} of the {available} windows left after the validation split gives {n}. " +
                $"Raise CalibrationFraction (to {Math.Min(0.99, needed / (double)available + 1e-3).ToString("0.###", CultureInfo.InvariantCulture)} or more), give at least {total} windows, or lower ConformalLevel.");
        }
        if (available - n <= 0)
            throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.CalibrationFraction), fraction,
                $"CalibrationFraction {fraction.ToString(CultureInfo.InvariantCulture)} leaves no training windows out of {available}. Lower it.");
    }
}
