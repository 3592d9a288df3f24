using System.Globalization;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// The R methods' forecasts for M1 written by benchmarks/reference/mcompetition.R: CSV
/// <c>set,series,method,step,forecast</c> after one <c>#</c> line naming the R and forecast versions.
/// </summary>
public sealed class MCompetitionReference
{
    /// <summary>The R methods in table order (Naive2 is OWA's reference).</summary>
    public static readonly string[] Methods = { "ETS", "ARIMA", "Theta", "Naive", "SNaive", "Naive2" };

    /// <summary>The method OWA is relative to.</summary>
    public const string Naive2 = "Naive2";

    /// <summary>The file's place in the repository.</summary>
    public const string RelativePath = "benchmarks/reference/results/mcompetition-r-forecasts.csv";

    /// <summary>What to run when the file is absent.</summary>
    public const string HowToRun = "run `Rscript benchmarks/reference/mcompetition.R` (needs r-cran-forecast; ETS and ARIMA take about 2.5 CPU-seconds a monthly series; the script header shows how to split the work)";

    private const string Header = "set,series,method,step,forecast";

    private readonly Dictionary<(string Set, string Series, string Method), SortedDictionary<int, double>> _forecasts = new();

    private MCompetitionReference(string path, string versions)
    {
        Path = path;
        Versions = versions;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The file's first line without the <c>#</c>: R and forecast versions.</summary>
    public string Versions { get; }

    /// <summary>
    /// The file at <paramref name="explicitPath"/>, else <see cref="RelativePath"/> under the repository root found by
    /// walking up from the program's folder; null when there is none.
    /// </summary>
    public static string? Locate(string? explicitPath)
    {
        if (explicitPath is not null)
            return explicitPath;
        string? accuracy = AccuracyReference.Locate(null);
        return accuracy is null ? null : System.IO.Path.Combine(accuracy[..^AccuracyReference.RelativePath.Length], RelativePath);
    }

    /// <summary>Reads the file; a malformed line is an error naming the file and line.</summary>
    public static MCompetitionReference Read(string path)
    {
        var lines = File.ReadAllLines(path);
        int first = lines.Length > 0 && lines[0].StartsWith('#') ? 1 : 0;
        var reference = new MCompetitionReference(path, first == 1 ? lines[0].TrimStart('#', ' ') : "versions not recorded");
        if (lines.Length <= first || lines[first] != Header)
            throw new InvalidDataException($"'{path}' does not start with the header {Header}; {HowToRun} again.");
        for (int i = first + 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
                continue;
            var p = lines[i].Split(',');
            if (p.Length != 5 || !int.TryParse(p[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out int step) || step < 1
                || !double.TryParse(p[4], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                throw new InvalidDataException($"'{path}' line {i + 1} is '{lines[i]}'; expected {Header} with a step >= 1 and a finite forecast; {HowToRun} again.");
            }
            var key = (p[0], p[1], p[2]);
            if (!reference._forecasts.TryGetValue(key, out var steps))
                reference._forecasts[key] = steps = new SortedDictionary<int, double>();
            steps[step] = value;
        }
        return reference;
    }

    /// <summary>How many of <paramref name="series"/> have forecasts of <paramref name="method"/> in the file.</summary>
    public int Covered(MCompetitionSet set, IReadOnlyList<MCompetitionSeries> series, string method) =>
        series.Count(s => _forecasts.ContainsKey((set.Name, s.Name, method)));

    /// <summary>
    /// <paramref name="method"/>'s forecasts of every series of <paramref name="set"/> (same order); a series without
    /// exactly steps 1..h is an error naming it.
    /// </summary>
    public double[][] Forecasts(MCompetitionSet set, IReadOnlyList<MCompetitionSeries> series, string method) =>
        series.Select(s =>
        {
            if (!_forecasts.TryGetValue((set.Name, s.Name, method), out var steps) || steps.Count != set.Horizon
                || steps.Keys.First() != 1 || steps.Keys.Last() != set.Horizon)
            {
                throw new InvalidDataException($"'{Path}' has {steps?.Count ?? 0} forecast steps of {method} for {set.Name} series '{s.Name}'; it needs steps 1..{set.Horizon}; {HowToRun} again.");
            }
            return steps.Values.ToArray();
        }).ToArray();
}
