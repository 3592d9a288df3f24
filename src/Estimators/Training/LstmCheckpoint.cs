using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;

namespace MLNet.Lstm.Training;

/// <summary>
/// The JSON sidecar of a checkpoint (<c>last.json</c> / <c>best.json</c> next to <c>last.pt</c> / <c>best.pt</c>,
/// TorchSharp state dicts of <see cref="LstmNetwork"/>, and, from format 2 on, <c>last.opt</c> / <c>best.opt</c>, the
/// optimizer's state dict).
/// </summary>
/// <remarks>
/// Format versions: 1: weights and this sidecar; 2: adds <see cref="Optimizer"/>, the <c>.opt</c> file and the SHA-256
/// of both files, checked on reading (the three files are renamed into place one by one, so an interrupted save shows
/// as a mismatch instead of silently pairing new weights with an old sidecar). Version 1 checkpoints still resume, with
/// a fresh optimizer state.
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

    /// <summary>
    /// Writes <c>{name}.pt</c>, <c>{name}.opt</c> and <c>{name}.json</c>, each to a temporary name first and renamed
    /// into place; the sidecar goes last, so a reader that finds it finds the files it describes.
    /// </summary>
    public static void Write(string directory, string name, LstmNetwork network, torch.optim.Optimizer optimizer, LstmCheckpointInfo info)
    {
        string pt = Path.Combine(directory, name + ".pt"), opt = Path.Combine(directory, name + ".opt"), json = Path.Combine(directory, name + ".json");
        string suffix = $".{Guid.NewGuid():N}.tmp";
        string tmpPt = pt + suffix, tmpOpt = opt + suffix, tmpJson = json + suffix;
        try
        {
            network.save(tmpPt);
            bool hasOptimizerState = optimizer is OptimizerHelper;
            if (optimizer is OptimizerHelper helper)
                helper.save_state_dict(tmpOpt);
            var sealedInfo = info with
            {
                Optimizer = hasOptimizerState ? info.Optimizer : null,
                WeightsSha256 = Sha256(tmpPt),
                OptimizerSha256 = hasOptimizerState ? Sha256(tmpOpt) : null,
            };
            File.WriteAllText(tmpJson, JsonSerializer.Serialize(sealedInfo));
            File.Move(tmpPt, pt, overwrite: true);
            if (hasOptimizerState)
                File.Move(tmpOpt, opt, overwrite: true);
            File.Move(tmpJson, json, overwrite: true);
        }
        finally
        {
            foreach (var tmp in new[] { tmpPt, tmpOpt, tmpJson })
            {
                if (File.Exists(tmp))
                    File.Delete(tmp);
            }
        }
    }

    /// <summary>
    /// Copies the checkpoint <paramref name="name"/> from <paramref name="source"/> to <paramref name="target"/>, each
    /// file to a temporary name first and renamed, the sidecar last.
    /// </summary>
    public static void Copy(string source, string target, string name)
    {
        string suffix = $".{Guid.NewGuid():N}.tmp";
        foreach (var ext in new[] { ".pt", ".opt", ".json" })
        {
            string from = Path.Combine(source, name + ext), to = Path.Combine(target, name + ext);
            if (!File.Exists(from))
                continue;
            File.Copy(from, to + suffix, overwrite: true);
            File.Move(to + suffix, to, overwrite: true);
        }
    }

    /// <summary>
    /// Loads the optimizer state saved next to <paramref name="statePath"/> when the checkpoint has one for the same
    /// optimizer kind; otherwise returns why the optimizer starts fresh. An unreadable state file is an error that
    /// names it.
    /// </summary>
    public static string? TryLoadOptimizerState(string statePath, LstmCheckpointInfo info, LstmOptimizer optimizerKind, torch.optim.Optimizer optimizer)
    {
        string opt = Path.ChangeExtension(statePath, ".opt");
        if (info.Optimizer is null || !File.Exists(opt))
            return $"the checkpoint '{statePath}' has no optimizer state (format {info.FormatVersion}).";
        if (info.Optimizer != optimizerKind.ToString())
            return $"the checkpoint was trained with {info.Optimizer}, this run uses {optimizerKind}.";
        if (optimizer is not OptimizerHelper helper)
            return $"the {optimizerKind} optimizer cannot load a state dict.";
        try
        {
            helper.load_state_dict(opt);
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            throw new InvalidDataException(
                $"The optimizer state '{opt}' of the checkpoint '{statePath}' cannot be read ({e.Message}). Delete '{opt}' to resume " +
                "with the checkpoint's weights and a fresh optimizer state, resume from the other checkpoint in that folder, or train from scratch.", e);
        }
        return null;
    }

    /// <summary>Loads the weights <paramref name="statePath"/> into <paramref name="network"/>; an unreadable file is an error that names it.</summary>
    public static void LoadWeights(LstmNetwork network, string statePath)
    {
        try
        {
            network.load(statePath);
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            throw new InvalidDataException(
                $"The checkpoint weights '{statePath}' cannot be read ({e.Message}): the file is truncated or not a checkpoint of this network. " +
                $"{OtherCheckpointAdvice(statePath)}", e);
        }
    }

    /// <summary>
    /// The weights of the best epoch of a resumed run when it lies before the checkpoint's epoch: the <c>best</c>
    /// checkpoint in the folder of <paramref name="statePath"/>, which must hold that epoch; otherwise null and why.
    /// </summary>
    public static LstmNetworkWeights? TryReadBestWeights(string statePath, LstmCheckpointInfo info, LstmNetworkShape shape, out string? whyNot)
    {
        string bestPt = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(statePath))!, BestName + ".pt");
        whyNot = null;
        if (!File.Exists(bestPt) || !File.Exists(Path.ChangeExtension(bestPt, ".json")))
            whyNot = $"there is no '{bestPt}' with its '.json' beside it";
        else if (!TryRead(bestPt, out var best, out var readError))
            whyNot = readError;
        else if (best.Info.Epoch != info.BestEpoch || best.Info.ArchitectureHash != info.ArchitectureHash)
            whyNot = $"'{bestPt}' holds epoch {best.Info.Epoch} ({best.Info.ArchitectureHash})";
        if (whyNot is not null)
            return null;
        using var network = shape.CreateNetwork();
        LoadWeights(network, bestPt);
        return network.GetWeights(shape.WindowSize);
    }

    /// <summary>Whether <c>{name}.pt</c> in <paramref name="directory"/> is a readable checkpoint of <paramref name="epoch"/>.</summary>
    public static bool HoldsEpoch(string directory, string name, int epoch) =>
        TryRead(Path.Combine(directory, name + ".pt"), out var found, out _) && found.Info.Epoch == epoch;

    private static bool TryRead(string pt, out (string StatePath, LstmCheckpointInfo Info) checkpoint, out string? error)
    {
        try
        {
            checkpoint = Read(pt);
            error = null;
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            checkpoint = default;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Resolves a checkpoint path: a directory means its <c>last.pt</c>; a <c>.pt</c> file needs its <c>.json</c>.
    /// Every refusal names the file and the other checkpoint to resume from.
    /// </summary>
    public static (string StatePath, LstmCheckpointInfo Info) Read(string path)
    {
        string pt = Directory.Exists(path) ? Path.Combine(path, LastName + ".pt") : path;
        string json = Path.ChangeExtension(pt, ".json");
        if (!File.Exists(pt) || !File.Exists(json))
            throw new FileNotFoundException(
                $"No checkpoint at '{path}': expected '{pt}' and '{json}' written by a CheckpointDirectory run.", pt);
        var info = ReadSidecar(pt, json);
        if (info.WeightsSha256 is string weightsHash && Sha256(pt) != weightsHash
            || info.OptimizerSha256 is string optimizerHash && File.Exists(Path.ChangeExtension(pt, ".opt")) && Sha256(Path.ChangeExtension(pt, ".opt")) != optimizerHash)
            throw new InvalidDataException(
                $"The checkpoint '{pt}' does not match its sidecar '{json}' (a save was interrupted). {OtherCheckpointAdvice(pt)}");
        if (info.FormatVersion is < 1 or > LstmCheckpointInfo.CurrentFormatVersion)
            throw new InvalidDataException(
                $"The checkpoint '{pt}' has format version {info.FormatVersion}; this version reads 1 to {LstmCheckpointInfo.CurrentFormatVersion}. Use the MLNet.Lstm version that wrote it.");
        return (pt, info);
    }

    private static LstmCheckpointInfo ReadSidecar(string pt, string json)
    {
        LstmCheckpointInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<LstmCheckpointInfo>(File.ReadAllText(json));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"The checkpoint sidecar '{json}' is not valid JSON ({e.Message}). {OtherCheckpointAdvice(pt)}", e);
        }
        if (info?.ArchitectureHash is null || info.HiddenSizes is null)
            throw new InvalidDataException(
                $"The checkpoint sidecar '{json}' is empty or not a checkpoint sidecar. {OtherCheckpointAdvice(pt)}");
        return info;
    }

    /// <summary>The fix for an unusable checkpoint: the other one in its folder (named), or training from scratch.</summary>
    private static string OtherCheckpointAdvice(string pt)
    {
        string name = Path.GetFileNameWithoutExtension(pt);
        string? other = name == LastName ? BestName : name == BestName ? LastName : null;
        string? otherPt = other is null ? null : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pt))!, other + ".pt");
        return otherPt is not null && File.Exists(otherPt)
            ? $"Set ResumeFromCheckpoint to the other checkpoint in that folder, '{otherPt}', or leave it null to train from scratch."
            : "Leave ResumeFromCheckpoint null to train from scratch.";
    }

    // What TorchSharp and the file system throw for a truncated or foreign state file.
    private static bool IsUnreadable(Exception e) =>
        e is EndOfStreamException or IOException or InvalidDataException or ArgumentException or FormatException
            or OverflowException or InvalidOperationException or KeyNotFoundException or NotSupportedException
            or System.Runtime.InteropServices.ExternalException;

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream));
    }
}

/// <summary>The architecture of the network a fit trains, to create it (again) from a checkpoint.</summary>
internal sealed record LstmNetworkShape(int WindowSize, int FeatureCount, int Horizon, int[] HiddenSizes, float Dropout,
    RecurrentCell Cell = RecurrentCell.Lstm, int FutureSize = 0)
{
    /// <summary>
    /// The architecture hash a checkpoint sidecar records (<see cref="LstmCheckpointInfo.HashOf"/>), with
    /// <c>-Gru</c> for a GRU, <c>-Fut{h·C}</c> with future covariates, <c>-Q{levels}</c> for a quantile head and
    /// <c>-S{m}</c> (seasonal differences), <c>-S{m}L</c> (levels and differences) or <c>-S{m}Z</c> (standardised
    /// differences) with a seasonal period (an LSTM
    /// point model without them keeps the hash it had before these existed, so its checkpoints still resume).
    /// </summary>
    public string ArchitectureHash => LstmCheckpointInfo.HashOf(WindowSize, FeatureCount, Horizon, HiddenSizes)
        + (Cell == RecurrentCell.Lstm ? "" : "-" + Cell) + (FutureSize > 0 ? $"-Fut{FutureSize}" : "")
        + (QuantileLevels is null ? "" : $"-Q{new LstmIntervalHead(QuantileLevels, null, null).LevelsText}") // a quantile head (issue 9)
        + (Seasonality.IsOn ? $"-S{Seasonality.Period}" + (Seasonality.Input switch { SeasonalNetworkInput.LevelsAndDifferences => "L", SeasonalNetworkInput.StandardizedDifferences => "Z", _ => "" }) : "");

    /// <summary>The network of <paramref name="o"/> on the windows of <paramref name="cols"/>, with <paramref name="seasonality"/>.</summary>
    public static LstmNetworkShape Of(LstmForecastingTrainer.Options o, LstmColumns cols, LstmSeasonality seasonality) =>
        new(cols.WindowSize, cols.FeatureCount, cols.Horizon, o.HiddenSizes.ToArray(), o.Dropout, o.Cell, cols.FutureSize)
        {
            QuantileLevels = LstmIntervalHead.LevelsOf(o.Quantiles),
            Seasonality = seasonality,
            TargetIndex = cols.TargetIndex,
        };

    public LstmNetwork CreateNetwork() => new(FeatureCount, HiddenSizes, Dropout, Horizon, Cell, FutureSize, QuantileLevels, Seasonality, TargetIndex);

    /// <summary>The seasonal differences and skip (<see cref="LstmSeasonality.None"/>: the plain network).</summary>
    public LstmSeasonality Seasonality { get; init; } = LstmSeasonality.None;

    /// <summary>The target's index among the window's features (read by the seasonal skip).</summary>
    public int TargetIndex { get; init; }

    /// <summary>The quantile levels of a quantile head (0.5 included), or null for a point model.</summary>
    public float[]? QuantileLevels { get; init; }

    /// <summary>
    /// The lag m of <see cref="LstmLoss.Mase"/>'s in-sample seasonal-naive scale: the fit's seasonal period (the given
    /// or detected one, also for the plain candidate of a seasonal choice), else 1. Not part of the architecture.
    /// </summary>
    public int LossSeasonalLag { get; init; } = 1;
}
