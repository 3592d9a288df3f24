using Microsoft.ML.Runtime;

namespace MLNet.Lstm.Training;

/// <summary>One candidate network of a fit: its architecture and its members' fits (one per ensemble member).</summary>
internal sealed record LstmCandidateFit(LstmNetworkShape Shape, IReadOnlyList<LstmMemberFit> Members)
{
    /// <summary>
    /// The validation loss of the weights the members keep (their best epoch's with <c>RestoreBestWeights</c>, else
    /// their last), averaged over the members; NaN without validation.
    /// </summary>
    public double ValidationLoss => Members.Average(m => m.History.LastOrDefault(e => e.Epoch == m.BestEpoch)?.ValidationLoss ?? double.NaN);
}

/// <summary>
/// The decision of <c>SeasonalPeriod = AutoSeasonalPeriod</c> between the plain and the seasonal network
/// (docs/trainer.md, "Seasonal period"): with a detected period and validation windows both candidates are trained
/// (each as it would be alone) and the one with the lower validation loss is kept, ties to the seasonal one; without
/// validation windows the seasonal network is kept untested.
/// </summary>
internal static class SeasonalCandidateChoice
{
    /// <summary>Whether the fit trains both candidates; logs the rule when a detected period is kept without a comparison.</summary>
    public static bool IsNeeded(LstmForecastingTrainer.Options o, LstmTrainingInput data, LstmSeasonality detected, IChannel? log)
    {
        if (o.SeasonalPeriod != LstmForecastingTrainer.Options.AutoSeasonalPeriod || o.InitialModel is not null || !detected.IsOn)
            return false;
        if (data.ValidationCount > 0)
            return true;
        log?.Info(MessageSensitivity.None,
            $"SeasonalPeriod auto: no validation windows to compare the plain and the seasonal network, so the seasonal one (period {detected.Period}) is kept; " +
            "set ValidationFraction or ValidationSet to have the trainer choose.");
        return false;
    }

    /// <summary>The candidate with the lower validation loss (ties: the seasonal one), and both losses for the model's settings.</summary>
    public static (LstmCandidateFit Chosen, LstmSeasonalSelection Selection) Choose(LstmCandidateFit plain, LstmCandidateFit seasonal, IChannel? log)
    {
        var period = seasonal.Shape.Seasonality;
        var selection = new LstmSeasonalSelection(period.Period, period.Input, plain.ValidationLoss, seasonal.ValidationLoss);
        string members = seasonal.Members.Count > 1 ? $" (means over the {seasonal.Members.Count} members)" : "";
        log?.Info(MessageSensitivity.None,
            $"SeasonalPeriod auto: validation loss {selection.PlainValidationLoss:G6} for the plain network, {selection.SeasonalValidationLoss:G6} for the seasonal one " +
            $"(period {period.Period}, {period.Input}){members}; keeping the {(selection.SeasonalChosen ? "seasonal" : "plain")} network.");
        return (selection.SeasonalChosen ? seasonal : plain, selection);
    }
}
