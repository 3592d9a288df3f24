namespace MLNet.Lstm;

/// <summary>
/// How <c>LstmForecastingTrainer.Options.SeasonalPeriod = AutoSeasonalPeriod</c> chose between the plain network and
/// the seasonal one (docs/trainer.md, "Seasonal period"): the period it detected and both candidates' validation losses.
/// The fitted model's <see cref="LstmTrainingSettings.SeasonalSelection"/>; null when no choice was made.
/// </summary>
/// <param name="DetectedPeriod">The seasonal period m the detector found in the training windows.</param>
/// <param name="Input">What the seasonal candidate's layers read (the trainer's <c>SeasonalInput</c>).</param>
/// <param name="PlainValidationLoss">The plain candidate's validation loss: that of the weights it keeps (its best
/// epoch's with <c>RestoreBestWeights</c>, else its last), the mean over the members of a seed ensemble.</param>
/// <param name="SeasonalValidationLoss">The seasonal candidate's, measured alike. Both are the training loss on the
/// same validation windows, in the same normalised label units, so they compare directly.</param>
public sealed record LstmSeasonalSelection(int DetectedPeriod, SeasonalNetworkInput Input, double PlainValidationLoss, double SeasonalValidationLoss)
{
    /// <summary>Whether the model is the seasonal candidate: its validation loss is not higher than the plain one's (ties go to it).</summary>
    public bool SeasonalChosen => !(PlainValidationLoss < SeasonalValidationLoss);
}
