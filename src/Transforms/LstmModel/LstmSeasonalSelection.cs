namespace MLNet.Lstm;

/// <summary>
/// How <c>LstmForecastingTrainer.Options.SeasonalPeriod = AutoSeasonalPeriod</c> chose between the plain network and
/// the seasonal one (docs/trainer.md, "Seasonal period"): the period it detected and both candidates' validation
/// errors. The fitted model's <see cref="LstmTrainingSettings.SeasonalSelection"/>; null when no choice was made.
/// </summary>
/// <param name="DetectedPeriod">The seasonal period m the detector found in the training windows.</param>
/// <param name="Input">What the seasonal candidate's layers read (the trainer's <c>SeasonalInput</c>).</param>
/// <param name="PlainValidationMse">The plain candidate's mean squared error on the validation windows, in the label's
/// own units, of the point prediction from the weights it keeps. The choice compares these with
/// <see cref="DifferenceStandardError"/>.</param>
/// <param name="SeasonalValidationMse">The seasonal candidate's, measured alike on the same windows.</param>
public sealed record LstmSeasonalSelection(int DetectedPeriod, SeasonalNetworkInput Input, double PlainValidationMse, double SeasonalValidationMse)
{
    /// <summary>
    /// The plain candidate's validation loss as training measured it (the training loss, in the normalised label
    /// units, of the weights it keeps; the mean over the members of an ensemble). Reported, not compared: per-window
    /// normalisation weights each window's error by 1/scale², so it over-weights quiet windows.
    /// </summary>
    public double PlainValidationLoss { get; init; } = double.NaN;

    /// <summary>The seasonal candidate's validation loss as training measured it (see <see cref="PlainValidationLoss"/>).</summary>
    public double SeasonalValidationLoss { get; init; } = double.NaN;

    /// <summary>
    /// The standard error of the mean, over the validation windows, of the plain candidate's squared error minus the
    /// seasonal one's (each window's error in label units, averaged over its horizon steps): how much of the MSE
    /// difference the comparison's noise could explain. 0 for fewer than two validation windows.
    /// </summary>
    public double DifferenceStandardError { get; init; }

    /// <summary>
    /// Whether the model is the seasonal candidate: the one-standard-error rule. Once a period is detected the seasonal
    /// structure is kept unless the plain network's validation MSE is lower by more than
    /// <see cref="DifferenceStandardError"/> (<c>Plain &lt; Seasonal − SE</c>), so a near-tie on a few validation windows
    /// does not throw the seasonality away.
    /// </summary>
    public bool SeasonalChosen => !(PlainValidationMse < SeasonalValidationMse - DifferenceStandardError);
}
