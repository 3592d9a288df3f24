namespace MLNet.Lstm.Training;

/// <summary>
/// The checkpoint a fit resumes from (<c>Options.ResumeFromCheckpoint</c>), read and checked against the fit's
/// architecture and <c>Epochs</c> before any data is read.
/// </summary>
internal sealed record LstmResumePoint(string StatePath, LstmCheckpointInfo Info)
{
    /// <summary>The first epoch the resumed fit trains.</summary>
    public int StartEpoch => Info.Epoch + 1;

    /// <summary>Reads <paramref name="path"/>; null when there is nothing to resume.</summary>
    public static LstmResumePoint? Open(string? path, string architectureHash, int epochs)
    {
        if (path is null)
            return null;
        var (statePath, info) = LstmCheckpoint.Read(path);
        if (info.ArchitectureHash != architectureHash)
            throw new InvalidOperationException(
                $"The checkpoint '{statePath}' was trained for {info.ArchitectureHash} (window T, features F, horizon h, hidden sizes H; -S{{m}} a seasonal period) " +
                $"but this trainer and data make {architectureHash}. Use the same window, columns, horizon, HiddenSizes and SeasonalPeriod / SeasonalInput as the checkpointed run, " +
                "or leave ResumeFromCheckpoint null to train from scratch.");
        if (epochs <= info.Epoch)
            throw new ArgumentOutOfRangeException(nameof(LstmForecastingTrainer.Options.Epochs), epochs,
                $"Epochs is {epochs} but the checkpoint '{statePath}' already holds epoch {info.Epoch}: Epochs counts every epoch, " +
                $"the checkpoint's included, so nothing would be trained. Set Epochs to more than {info.Epoch} (e.g. {info.Epoch + epochs} for {epochs} more).");
        return new LstmResumePoint(statePath, info);
    }
}
