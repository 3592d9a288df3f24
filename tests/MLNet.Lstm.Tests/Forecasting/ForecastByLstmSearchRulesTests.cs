using Microsoft.ML;
using MLNet.Lstm.Search;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>
/// The rules of the one call's search (docs/trainer.md, "The one call"): the period it detects, the hold-out origins,
/// the window lengths it leaves out, the loss ensemble, the final fit for one series and the series counts it reports.
/// </summary>
public class ForecastByLstmSearchRulesTests
{
    public sealed class Row
    {
        public string K { get; set; } = "";
        public float X { get; set; }
    }

    /// <summary>Quarterly sales growing 4% a quarter with a multiplicative season of 4 (johnsonjohnson's shape).</summary>
    private static float[] GrowingQuarterly(int length, int seed)
    {
        var rng = new Random(seed);
        double[] season = { 0.85, 1.1, 1.25, 0.8 };
        return Enumerable.Range(0, length).Select(t => (float)(Math.Pow(1.04, t) * season[t % 4] * (1 + 0.02 * (rng.NextDouble() - 0.5)))).ToArray();
    }

    /// <summary>A monthly season of 12 (peaks in summer, a second small peak in winter) plus noise, around 1000.</summary>
    private static float[] Monthly(int length, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(t =>
            (float)(1000 + 120 * Math.Sin(2 * Math.PI * t / 12) + 40 * Math.Cos(2 * Math.PI * t / 4) + 15 * (rng.NextDouble() - 0.5))).ToArray();
    }

    private static SearchSeriesTable Table(MLContext ml, params float[][] series) =>
        SearchSeriesTable.Read(ml.Data.LoadFromEnumerable(series.SelectMany((s, i) => s.Select(x => new Row { K = $"s{i}", X = x })).ToList()), "X", "K");

    [Fact]
    public void WithAGivenWindowThePeriodIsDetectedOnTheWindowsAndADividingPeriodIsPreferred()
    {
        var ml = new MLContext(1);
        // A growing season of 4: its autocorrelation peaks at 4, 8 and 12; the season is 4, not a multiple.
        Assert.Equal(4, SearchPeriodDetector.Detect(Table(ml, GrowingQuarterly(67, 1)), heldOut: 1, windowSize: 12));
        // A monthly season of 12 with a quarter-year harmonic: 12, neither 24 nor the harmonic's 4 (4 does not repeat the year).
        Assert.Equal(12, SearchPeriodDetector.Detect(Table(ml, Monthly(120, 2)), heldOut: 1, windowSize: 36));
        // White noise: no period.
        var rng = new Random(3);
        Assert.Equal(0, SearchPeriodDetector.Detect(Table(ml, Enumerable.Range(0, 100).Select(_ => (float)rng.NextDouble()).ToArray()), heldOut: 1, windowSize: 12));
    }

    [Fact]
    public void TheHoldOutHasOneOriginPerSeasonAndAtMostAFifthOfTheLongestSeriesWindows()
    {
        var ml = new MLContext(1);
        var table = Table(ml, Enumerable.Range(0, 30).Select(i => Monthly(132, i)).ToArray());
        // 30 series hold window 24 and 2h = 36 rows: MinValidationWindows 20 alone would give k = 1; the period gives 12
        // (at most (132 − 24 − 36 + 1) / 5 = 14).
        var plan = HoldOutPlan.Create(table, horizon: 18, windowSizes: new[] { 24 }, minValidationWindows: 20, period: 12);
        Assert.Equal(12, plan.WindowsPerSeries);
        Assert.Equal(18 + 12 - 1, plan.TailLength);
        Assert.Equal(1, HoldOutPlan.Create(table, 18, new[] { 24 }, 20, period: 0).WindowsPerSeries);
        // Series of 100 rows: at most (100 − 24 − 36 + 1) / 5 = 8; of 60 rows: 0, so at least 1.
        var shorter = Table(ml, Enumerable.Range(0, 30).Select(i => Monthly(100, i)).ToArray());
        Assert.Equal(8, HoldOutPlan.Create(shorter, 18, new[] { 24 }, 20, period: 12).WindowsPerSeries);
        var shortest = Table(ml, Enumerable.Range(0, 30).Select(i => Monthly(60, i)).ToArray());
        Assert.Equal(1, HoldOutPlan.Create(shortest, 18, new[] { 24 }, 20, period: 12).WindowsPerSeries);
    }

    [Fact]
    public void ALongerWindowThatLeavesMoreThanATenthOfTheTrainableSeriesWithoutWindowsIsLeftOut()
    {
        var ml = new MLContext(1);
        // 10 series: 7 of 60 rows, 3 of 45. Window 24 + h 18 = 42 rows: all 10 train; window 36 + 18 = 54: only the 7.
        var series = Enumerable.Range(0, 10).Select(i => Monthly(i < 7 ? 60 : 45, i)).ToArray();
        var kept = HoldOutPlan.CoveringWindows(Table(ml, series), 18, new[] { 24, 36 }, out var leftOut);
        Assert.Equal(new[] { 24 }, kept);
        Assert.Equal("window 36 left out: only 7 of the 10 series that give training windows with window 24 give any with it (a longer window must keep nine tenths of them)", leftOut);
        // 9 of 10 keep it: nine tenths, so both stay.
        series = Enumerable.Range(0, 10).Select(i => Monthly(i < 9 ? 60 : 45, i)).ToArray();
        Assert.Equal(new[] { 24, 36 }, HoldOutPlan.CoveringWindows(Table(ml, series), 18, new[] { 24, 36 }, out leftOut));
        Assert.Null(leftOut);
    }

    [Fact]
    public void TheLossEnsemblePairsMaeWithMaseAndGivesMseNone()
    {
        Assert.Equal(LstmLoss.Mase, CandidateSearch.EnsemblePartner(LstmLoss.Mae));
        Assert.Equal(LstmLoss.Mae, CandidateSearch.EnsemblePartner(LstmLoss.Mase));
        Assert.Null(CandidateSearch.EnsemblePartner(LstmLoss.Mse));
        Assert.Null(CandidateSearch.EnsemblePartner(LstmLoss.Huber));
    }

    private static ForecastByLstmEstimator Estimator(MLContext ml, string? key, int windowSize = 12)
    {
        var estimator = (ForecastByLstmEstimator)ml.Forecasting.ForecastByLstm(new ForecastByLstmOptions
        {
            TargetColumnName = "X", SeriesColumnName = key, Horizon = 2, WindowSize = windowSize, Seed = 2, Context = ml,
        });
        estimator.SearchSettings = ForecastByLstmSearchTests.Tiny with { FinalEnsembleSize = 2 };
        return estimator;
    }

    [Fact]
    public void TheFittedSettingsCountTheSeriesAndReportTheLossEnsembleTheLogNames()
    {
        var ml = new MLContext(1);
        var messages = new List<string>();
        ml.Log += (_, e) => { if (e.Source == nameof(ForecastByLstmEstimator)) lock (messages) messages.Add(e.Message); };
        // Lengths 60, 60, 13 (no training window: < 12 + 2) and 8 (forecast left-padded: < 12).
        var series = new[] { Monthly(60, 1), Monthly(60, 2), Monthly(13, 3), Monthly(8, 4) };
        var rows = series.SelectMany((s, i) => s.Select(x => new Row { K = $"s{i}", X = x })).ToList();
        using var model = Estimator(ml, "K").Fit(ml.Data.LoadFromEnumerable(rows));
        var settings = model.LastTransformer.Settings;

        var lengths = settings.SeriesLengths!;
        Assert.Equal((12, 2, 4, 8L, 60L, 2, 1), (lengths.WindowSize, lengths.Horizon, lengths.SeriesCount, lengths.ShortestLength, lengths.LongestLength, lengths.TrainableSeriesCount, lengths.PaddedSeriesCount));
        Assert.Contains(messages, m => m.EndsWith($"ForecastByLstm: {lengths}.", StringComparison.Ordinal));

        // The ensemble of the chosen loss and its partner was scored and logged; when kept, the members alternate.
        var selection = settings.CandidateSelection!;
        var partner = CandidateSearch.EnsemblePartner(selection.Chosen.Loss);
        if (partner is { } p)
            Assert.Contains(messages, m => m.Contains($"loss ensemble {selection.Chosen.Loss}+{p}: hold-out sMAPE", StringComparison.Ordinal));
        if (selection.LossEnsemble is { } ensemble)
        {
            Assert.Equal(new[] { selection.Chosen.Loss, partner!.Value }, settings.MemberLosses);
            Assert.Contains($"{selection.Chosen.Loss}+{partner}", ensemble.Name);
            Assert.InRange(ensemble.ValidationError, 0, 200);
        }
        else
        {
            Assert.Null(settings.MemberLosses);
        }
        // Many series: the final fit trains on every window for the kept candidate's best epoch count, no validation.
        Assert.Equal(0f, settings.ValidationFraction);
        Assert.Equal(2, settings.EnsembleSize);
    }

    [Fact]
    public void OneSeriesFinalFitStopsEarlyOnItsLastWindows()
    {
        var ml = new MLContext(1);
        var rows = Monthly(80, 5).Select(x => new Row { K = "only", X = x }).ToList();
        using var model = Estimator(ml, key: null).Fit(ml.Data.LoadFromEnumerable(rows));
        var settings = model.LastTransformer.Settings;
        Assert.Equal(0.2f, settings.ValidationFraction);
        Assert.Equal(20, settings.EarlyStoppingPatience);
        Assert.Equal(200, settings.Epochs);
        Assert.True(settings.RestoreBestWeights);
    }
}
