using System.Text.Json;

namespace MLNet.Lstm.Training;

/// <summary>
/// The JSON sidecar of a checkpoint (<c>last.json</c> / <c>best.json</c> next to <c>last.pt</c> / <c>best.pt</c>,
/// TorchSharp state dicts of <see cref="LstmNetwork"/>).
/// </summary>
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
    int[] HiddenSizes)
{
    public const int CurrentFormatVersion = 1;

    public static string HashOf(int windowSize, int featureCount, int horizon, IEnumerable<int> hiddenSizes) =>
        $"T{windowSize}-F{featureCount}-h{horizon}-H{string.Join("x", hiddenSizes)}";
}

internal static class LstmCheckpoint
{
    public const string LastName = "last";
    public const string BestName = "best";

    /// <summary>Fails before training when <paramref name="directory"/> cannot be created or written.</summary>
    public static void EnsureWritable(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, new byte[] { 0 });
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"The checkpoint directory '{directory}' cannot be written ({e.Message}). Choose a writable CheckpointDirectory or leave it null; nothing was trained.", e);
        }
    }

    /// <summary>Writes <c>{name}.pt</c> and <c>{name}.json</c> atomically (temporary file, then rename).</summary>
    public static void Write(string directory, string name, LstmNetwork network, LstmCheckpointInfo info)
    {
        string pt = Path.Combine(directory, name + ".pt"), json = Path.Combine(directory, name + ".json");
        string tmpPt = pt + $".{Guid.NewGuid():N}.tmp", tmpJson = json + $".{Guid.NewGuid():N}.tmp";
        try
        {
            network.save(tmpPt);
            File.WriteAllText(tmpJson, JsonSerializer.Serialize(info));
            File.Move(tmpPt, pt, overwrite: true);
            File.Move(tmpJson, json, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmpPt))
                File.Delete(tmpPt);
            if (File.Exists(tmpJson))
                File.Delete(tmpJson);
        }
    }

    /// <summary>
    /// Resolves a checkpoint path: a directory means its <c>last.pt</c>; a <c>.pt</c> file needs its <c>.json</c>.
    /// </summary>
    public static (string StatePath, LstmCheckpointInfo Info) Read(string path)
    {
        string pt = Directory.Exists(path) ? Path.Combine(path, LastName + ".pt") : path;
        string json = Path.ChangeExtension(pt, ".json");
        if (!File.Exists(pt) || !File.Exists(json))
            throw new FileNotFoundException(
                $"No checkpoint at '{path}': expected '{pt}' and '{json}' written by a CheckpointDirectory run.", pt);
        var info = JsonSerializer.Deserialize<LstmCheckpointInfo>(File.ReadAllText(json))
            ?? throw new InvalidDataException($"The checkpoint sidecar '{json}' is empty.");
        if (info.FormatVersion != LstmCheckpointInfo.CurrentFormatVersion)
            throw new InvalidDataException(
                $"The checkpoint '{pt}' has format version {info.FormatVersion}; this version reads {LstmCheckpointInfo.CurrentFormatVersion}.");
        return (pt, info);
    }
}
