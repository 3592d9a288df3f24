namespace MLNet.Lstm.Training;

/// <summary>The loss and the epochs of one member of a loss ensemble (<see cref="LstmForecastingTrainer.Options.MemberPlans"/>).</summary>
/// <param name="Loss">The member's training loss.</param>
/// <param name="Epochs">The member's epochs, at least 1.</param>
internal sealed record LstmMemberPlan(LstmLoss Loss, int Epochs);
