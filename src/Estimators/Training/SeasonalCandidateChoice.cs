using Microsoft.ML.Runtime;

namespace MLNet.Lstm.Training;

/// <summary>
/// The decision of <c>SeasonalPeriod = AutoSeasonalPeriod</c> between the plain and the seasonal network
/// (docs/trainer.md, "Seasonal period"): with a detected period and validation windows both candidates are trained
/// (each as it would be alone) and compared by their validation MSE in the label's own units (per-window
/// normalisation weights each window's error by 1/scale², so the normalised loss would favour quiet windows): the
/// seasonal one is kept unless the plain one is better by more than one standard error of the window-by-window
/// difference: <see cref="CandidateSelectionRule"/>, the rule of every validation choice (the one call's search uses it
/// too), with the seasonal candidate preferred; without validation windows the seasonal network is kept untested.
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

    /// <summary>
    /// The candidate <see cref="CandidateSelectionRule"/> keeps of the seasonal one (preferred) and the plain one,
    /// compared window by window by their squared errors in label units (the seasonal one unless the plain one's
    /// validation MSE is lower by more than one standard error of the difference), and both candidates' figures for
    /// the model's settings: the seasonal view (<see cref="LstmSeasonalSelection"/>) and the general report.
    /// </summary>
    public static (LstmCandidateFit Chosen, LstmSeasonalSelection Selection, LstmCandidateSelection Candidates) Choose(LstmCandidateFit plain, LstmCandidateFit seasonal, LstmTrainingInput data, LstmLoss loss, IChannel? log)
    {
        var period = seasonal.Shape.Seasonality;
        double[] plainErrors = plain.ValidationErrors(data), seasonalErrors = seasonal.ValidationErrors(data);
        var (chosen, standardErrors) = CandidateSelectionRule.Choose(new[] { seasonalErrors, plainErrors });
        var selection = new LstmSeasonalSelection(period.Period, period.Input, plainErrors.Average(), seasonalErrors.Average())
        {
            DifferenceStandardError = CandidateSelectionRule.PairedStandardError(plainErrors, seasonalErrors),
            PlainValidationLoss = plain.ValidationLoss,
            SeasonalValidationLoss = seasonal.ValidationLoss,
        };
        int window = data.Columns.WindowSize;
        var candidates = new LstmCandidateSelection("MSE", new[]
        {
            new LstmCandidate($"seasonal {period.Period} ({period.Input})", selection.SeasonalValidationMse)
            {
                SeasonalPeriod = period.Period, WindowSize = window, Loss = loss, StandardErrorToBest = standardErrors[0],
            },
            new LstmCandidate("plain", selection.PlainValidationMse)
            {
                WindowSize = window, Loss = loss, StandardErrorToBest = standardErrors[1],
            },
        }, chosen) { ValidationItems = plainErrors.Length };
        string members = seasonal.Members.Count > 1 ? $" (the {seasonal.Members.Count} members' averaged prediction)" : "";
        log?.Info(MessageSensitivity.None,
            $"SeasonalPeriod auto: validation MSE in label units {selection.PlainValidationMse:G6} for the plain network, {selection.SeasonalValidationMse:G6} for the seasonal one " +
            $"(period {period.Period}, {period.Input}){members}, standard error of their difference {selection.DifferenceStandardError:G6}; normalised validation loss {selection.PlainValidationLoss:G6} and {selection.SeasonalValidationLoss:G6}; " +
            $"keeping the {(chosen == 0 ? "seasonal" : "plain")} network.");
        return (chosen == 0 ? seasonal : plain, selection, candidates);
    }
}
