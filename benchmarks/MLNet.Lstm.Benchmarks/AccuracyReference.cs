using System.Globalization;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// The R baselines' forecasts (ETS, ARIMA, Theta) written by benchmarks/reference/accuracy.R: CSV
/// <c>series,protocol,method,origin,step,forecast</c> after one <c>#</c> line naming the R and forecast versions.
/// </summary>
public sealed class AccuracyReference
{
    /// <summary>The R methods, in table order.</summary>
    public static readonly string[] Methods = { "ETS", "ARIMA", "Theta" };

    /// <summary>The file's place in the repository.</summary>
    public const string RelativePath = "benchmarks/reference/results/accuracy-r-forecasts.csv";

    /// <summary>What to run when the file is absent.</summary>
    public const string HowToRun = "run `Rscript benchmarks/reference/accuracy.R` (needs r-cran-forecast)";

    private readonly Dictionary<(string Series, string Protocol, string Method), SortedDictionary<int, double[]>> _forecasts = new();

    private AccuracyReference(string path, string versions)
    {
        Path = path;
        Versions = versions;
    }

    public string Path { get; }

    /// <summary>The file's first line without the <c>#</c>: R and forecast versions.</summary>
    public string Versions { get; }

    /// <summary>
    /// The file at <paramref name="explicitPath"/>, else <see cref="RelativePath"/> under the repository root found by
    /// walking up from the program's folder (the folder that holds MLNet.Lstm.sln); null when there is none.
    /// </summary>
    public static string? Locate(string? explicitPath)
    {
        if (explicitPath is not null)
            return explicitPath;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MLNet.Lstm.sln")))
                return System.IO.Path.Combine(dir.FullName, RelativePath);
        }
        return null;
    }

    /// <summary>Reads the file; malformed lines are an error naming the file and line.</summary>
    public static AccuracyReference Read(string path)
    {
        var lines = File.ReadAllLines(path);
        int first = lines.Length > 0 && lines[0].StartsWith('#') ? 1 : 0;
        var reference = new AccuracyReference(path, first == 1 ? lines[0].TrimStart('#', ' ') : "versions not recorded");
        if (lines.Length <= first || lines[first] != "series,protocol,method,origin,step,forecast")
            throw new InvalidDataException($"'{path}' does not start with the header series,protocol,method,origin,step,forecast; {HowToRun} again.");
        for (int i = first + 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
                continue;
            var cells = lines[i].Split(',');
            if (cells.Length != 6
                || !int.TryParse(cells[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out int origin)
                || !int.TryParse(cells[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out int step) || step < 1
                || !double.TryParse(cells[5], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                throw new InvalidDataException($"'{path}' line {i + 1} is not 'series,protocol,method,origin,step,forecast' with a finite forecast: '{lines[i]}'.");
            var key = (cells[0], cells[1], cells[2]);
            if (!reference._forecasts.TryGetValue(key, out var byOrigin))
                reference._forecasts[key] = byOrigin = new SortedDictionary<int, double[]>();
            if (!byOrigin.TryGetValue(origin, out var steps))
                byOrigin[origin] = steps = Array.Empty<double>();
            if (steps.Length < step)
                Array.Resize(ref steps, step);
            steps[step - 1] = value;
            byOrigin[origin] = steps;
        }
        return reference;
    }

    /// <summary>
    /// The forecasts of <paramref name="method"/> on the split's folds; an error when the file's folds differ from the
    /// suite's (another split or horizon: re-run the R script).
    /// </summary>
    public FoldForecasts Forecasts(SeriesSplit split, AccuracyProtocol protocol, string method)
    {
        string protocolName = ProtocolName(protocol);
        var origins = split.Origins(protocol);
        int steps = split.Steps(protocol);
        if (!_forecasts.TryGetValue((split.Series.Name, protocolName, method), out var byOrigin))
            throw new InvalidDataException($"'{Path}' has no {method} forecasts for {split.Series.Name} ({protocolName}); {HowToRun} again.");
        if (!byOrigin.Keys.SequenceEqual(origins) || byOrigin.Values.Any(v => v.Length != steps))
            throw new InvalidDataException(
                $"'{Path}': the {method} {protocolName} folds of {split.Series.Name} are origins {byOrigin.Keys.First()}..{byOrigin.Keys.Last()} " +
                $"({byOrigin.Count}) of {byOrigin.Values.First().Length} step(s); the suite's are {origins[0]}..{origins[^1]} ({origins.Length}) " +
                $"of {steps}. The file is from another protocol: {HowToRun} again.");
        return new FoldForecasts(origins, byOrigin.Values.ToArray());
    }

    /// <summary>The protocol's name in the file and the tables.</summary>
    public static string ProtocolName(AccuracyProtocol protocol) => protocol == AccuracyProtocol.OneStep ? "one-step" : "backtest";
}
