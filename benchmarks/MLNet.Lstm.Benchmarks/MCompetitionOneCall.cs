using Microsoft.ML;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// The one call of the m-competition suite: <c>mlContext.Forecasting.ForecastByLstm(new ForecastByLstmOptions { ... })</c>
/// over the keyed series, with everything else chosen by the estimator.
/// </summary>
public static class MCompetitionOneCall
{
    /// <summary>
    /// The one call for <paramref name="set"/>: target, series key, horizon, seed and the context (whose log the suite
    /// prints: the search's candidates and choices, to stderr); nothing else set, except a one-millisecond time budget
    /// with <paramref name="quick"/> (the smoke run: the first candidate only).
    /// </summary>
    public static IEstimator<ITransformer> Estimator(MLContext ml, MCompetitionSet set, int seed, bool quick)
    {
        ml.Log += (_, e) =>
        {
            if (e.Source == nameof(ForecastByLstmEstimator))
                Console.Error.WriteLine($"m-competition: {set.Name} seed {seed}: {e.Message}");
        };
        return ml.Forecasting.ForecastByLstm(new ForecastByLstmOptions
        {
            TargetColumnName = MCompetitionRun.TargetColumn,
            SeriesColumnName = MCompetitionRun.SeriesColumn,
            Horizon = set.Horizon,
            Seed = seed,
            Context = ml,
            TimeBudget = quick ? TimeSpan.FromMilliseconds(1) : new ForecastByLstmOptions().TimeBudget,
        });
    }
}
