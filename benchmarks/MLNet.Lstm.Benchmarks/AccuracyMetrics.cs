namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Pooled accuracy of one method on one series and protocol: MASE (M4 scaling), sMAPE and MAPE in percent, RMSE in the
/// series' units; <see cref="MasePerStep"/> is MASE over the folds' h-th steps.
/// </summary>
public sealed record AccuracyScores(double Mase, double Smape, double Mape, double Rmse, double[] MasePerStep, int Folds);

/// <summary>The suite's metrics (definitions in docs/accuracy.md).</summary>
public static class AccuracyMetrics
{
    /// <summary>
    /// The M4 MASE denominator: mean |y[t] - y[t - m]| over t = m .. n - 1 of the training rows (m = 1: the naive
    /// forecast's in-sample MAE).
    /// </summary>
    public static double SeasonalNaiveScale(ReadOnlySpan<double> training, int period)
    {
        double sum = 0;
        for (int t = period; t < training.Length; t++)
            sum += Math.Abs(training[t] - training[t - period]);
        double scale = sum / (training.Length - period);
        if (!(scale > 0))
            throw new ArgumentException($"the training part's seasonal-naive MAE is {scale}; MASE is undefined for a constant series.");
        return scale;
    }

    /// <summary>Scores forecasts against the series: every step of every fold pooled, and MASE per step.</summary>
    public static AccuracyScores Score(SeriesSplit split, FoldForecasts forecasts)
    {
        int steps = forecasts.Values[0].Length;
        double abs = 0, squared = 0, smape = 0, mape = 0;
        var absPerStep = new double[steps];
        int count = 0;
        for (int i = 0; i < forecasts.Origins.Length; i++)
        {
            for (int h = 0; h < steps; h++)
            {
                double actual = split.Values[forecasts.Origins[i] + h], forecast = forecasts.Values[i][h];
                double error = Math.Abs(actual - forecast);
                abs += error;
                absPerStep[h] += error;
                squared += error * error;
                smape += error == 0 ? 0 : 200 * error / (Math.Abs(actual) + Math.Abs(forecast));
                mape += 100 * error / Math.Abs(actual);
                count++;
            }
        }
        int folds = forecasts.Origins.Length;
        return new AccuracyScores(abs / count / split.Scale, smape / count, mape / count, Math.Sqrt(squared / count),
            absPerStep.Select(a => a / folds / split.Scale).ToArray(), folds);
    }

    /// <summary>Persistence: every step of a fold is the last observed value, y[origin - 1].</summary>
    public static FoldForecasts Persistence(SeriesSplit split, AccuracyProtocol protocol) =>
        Baseline(split, protocol, (origin, h) => split.Values[origin - 1]);

    /// <summary>Seasonal naive: step h (0-based) of a fold is y[origin - m + (h mod m)], the same season a period earlier.</summary>
    public static FoldForecasts SeasonalNaive(SeriesSplit split, AccuracyProtocol protocol)
    {
        int m = split.Series.Period;
        return Baseline(split, protocol, (origin, h) => split.Values[origin - m + (h % m)]);
    }

    private static FoldForecasts Baseline(SeriesSplit split, AccuracyProtocol protocol, Func<int, int, double> forecast)
    {
        var origins = split.Origins(protocol);
        int steps = split.Steps(protocol);
        return new FoldForecasts(origins, origins.Select(o => Enumerable.Range(0, steps).Select(h => forecast(o, h)).ToArray()).ToArray());
    }
}
