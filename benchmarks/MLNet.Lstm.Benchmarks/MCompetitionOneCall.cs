using Microsoft.ML;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// The one call of the m-competition suite: <c>mlContext.Forecasting.ForecastByLstm(new ForecastByLstmOptions { ... })</c>
/// over the keyed series, with everything else chosen by the estimator. Compiled when the build defines
/// <c>FORECAST_BY_LSTM_OPTIONS</c> (the project file does once <c>ForecastByLstmOptions</c> exists); otherwise the
/// suite reports the one call as not run, with <see cref="Missing"/>.
/// </summary>
public static class MCompetitionOneCall
{
#if FORECAST_BY_LSTM_OPTIONS
    /// <summary>Why the one call is not run; null: it is.</summary>
    public static string? Missing => null;

    /// <summary>The one call for <paramref name="set"/>: target, series key, horizon and seed; nothing else set.</summary>
    public static IEstimator<ITransformer>? Estimator(MLContext ml, MCompetitionSet set, int seed) =>
        ml.Forecasting.ForecastByLstm(new ForecastByLstmOptions
        {
            TargetColumnName = MCompetitionRun.TargetColumn,
            SeriesColumnName = MCompetitionRun.SeriesColumn,
            Horizon = set.Horizon,
            Seed = seed,
        });
#else
    /// <summary>Why the one call is not run; null: it is.</summary>
    public static string? Missing => "ForecastByLstmOptions is not in this build; define FORECAST_BY_LSTM_OPTIONS in MLNet.Lstm.Benchmarks.csproj once it is";

    /// <summary>Null: this build has no <c>ForecastByLstmOptions</c> (see <see cref="Missing"/>).</summary>
    public static IEstimator<ITransformer>? Estimator(MLContext ml, MCompetitionSet set, int seed) => null;
#endif
}
