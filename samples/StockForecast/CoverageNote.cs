namespace StockForecast;

/// <summary>
/// One line after a coverage figure far below the band's nominal level, saying why and what to use instead: a
/// split-conformal band is as wide as the model's errors on its calibration windows, so it covers less when the model
/// errs more on the test period than there.
/// </summary>
internal static class CoverageNote
{
    /// <summary>Coverage this far below nominal (in probability) gets the note.</summary>
    private const double Shortfall = 0.1;

    public static void PrintIfLow(double? coverage, double nominal, int forecasts, bool tutorial)
    {
        if (coverage is not double c || c >= nominal - Shortfall)
            return;
        string fix = tutorial
            ? "use the recommended configuration (run without --tutorial): its errors are close to persistence's and its one-step band covers near its nominal level"
            : "recalibrate on recent windows (a larger CalibrationFraction) or retrain more often (Backtest's RetrainEvery)";
        Console.WriteLine($"Note: coverage {c:P1} of {forecasts} forecasts is far below the nominal {nominal:P0}: a conformal band is as wide as " +
            $"the model's errors on its calibration windows (held out of training, before the test period), and these forecasts err more " +
            $"than those did; {fix}.");
    }
}
