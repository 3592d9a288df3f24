namespace MLNet.Lstm.Training;

/// <summary>
/// The JSON sidecar of a checkpoint (<c>last.json</c> / <c>best.json</c> next to <c>last.pt</c> / <c>best.pt</c>,
/// TorchSharp state dicts of <see cref="LstmNetwork"/>, and, from format 2 on, <c>last.opt</c> / <c>best.opt</c>, the
/// optimizer's state dict).
/// </summary>
/// <remarks>
/// Format versions: 1, weights and this sidecar; 2 adds <see cref="Optimizer"/>, the <c>.opt</c> file and the SHA-256
/// of both files, checked on reading, so an interrupted save shows as a mismatch. Version 1 still resumes, with a fresh
/// optimizer state.
/// </remarks>
internal sealed record LstmCheckpointInfo(
    int FormatVersion,
    int Epoch,
    int BestEpoch,
    double BestLoss,
    double TrainLoss,
    double? ValidationLoss,
    string ArchitectureHash,
    int WindowSize,
    int FeatureCount,
    int Horizon,
    int[] HiddenSizes,
    string? Optimizer = null,
    string? WeightsSha256 = null,
    string? OptimizerSha256 = null)
{
    public const int CurrentFormatVersion = 2;

    public static string HashOf(int windowSize, int featureCount, int horizon, IEnumerable<int> hiddenSizes) =>
        $"T{windowSize}-F{featureCount}-h{horizon}-H{string.Join("x", hiddenSizes)}";
}
