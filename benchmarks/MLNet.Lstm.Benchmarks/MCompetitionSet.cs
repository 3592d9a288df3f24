using System.Globalization;

namespace MLNet.Lstm.Benchmarks;

/// <summary>One M1 series: its name, its training part (oldest first) and the competition's hold-out (the next h values).</summary>
public sealed record MCompetitionSeries(string Name, double[] Train, double[] Test);

/// <summary>
/// One part of the M1 competition in data/m1 (data/README.md): monthly (period 12, horizon 18) or quarterly (period 4,
/// horizon 8), read from <c>m1_&lt;name&gt;_train.csv</c> and <c>m1_&lt;name&gt;_test.csv</c> (columns <c>series,t,value</c>).
/// </summary>
public sealed record MCompetitionSet(string Name, int Period, int Horizon)
{
    /// <summary>The monthly series: period 12, horizon 18.</summary>
    public static readonly MCompetitionSet Monthly = new("monthly", 12, 18);

    /// <summary>The quarterly series: period 4, horizon 8.</summary>
    public static readonly MCompetitionSet Quarterly = new("quarterly", 4, 8);

    /// <summary>Both sets, in table order.</summary>
    public static readonly MCompetitionSet[] All = { Monthly, Quarterly };

    /// <summary>
    /// Reads the set's series from <paramref name="dataDirectory"/> (the folder that holds <c>m1/</c>), in the order of
    /// the training file. Every series must have t = 0 .. n-1 in its training part, exactly <see cref="Horizon"/> test
    /// values t = n .. n+h-1, and positive finite values; otherwise an <see cref="InvalidDataException"/> names the
    /// file, the series and the value.
    /// </summary>
    public MCompetitionSeries[] Load(string dataDirectory)
    {
        string trainPath = Path.Combine(dataDirectory, "m1", $"m1_{Name}_train.csv");
        string testPath = Path.Combine(dataDirectory, "m1", $"m1_{Name}_test.csv");
        var train = ReadLong(trainPath);
        var test = ReadLong(testPath);
        return train.Select(pair =>
        {
            if (!test.TryGetValue(pair.Key, out var holdOut) || holdOut.Count != Horizon)
                throw new InvalidDataException($"'{testPath}': series '{pair.Key}' has {(holdOut?.Count ?? 0)} test values; the {Name} set needs {Horizon}. Copy data/m1 again from its source (data/README.md).");
            CheckTimes(trainPath, pair.Key, pair.Value, 0);
            CheckTimes(testPath, pair.Key, holdOut, pair.Value.Count);
            return new MCompetitionSeries(pair.Key, pair.Value.Select(x => x.Value).ToArray(), holdOut.Select(x => x.Value).ToArray());
        }).ToArray();
    }

    private static void CheckTimes(string path, string series, List<(int T, double Value)> rows, int first)
    {
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].T != first + i)
                throw new InvalidDataException($"'{path}': series '{series}' row {i} has t = {rows[i].T}, but t must run {first}, {first + 1}, ... without gaps, oldest first.");
        }
    }

    /// <summary>series → (t, value) in file order; the insertion order of the series is kept.</summary>
    private static Dictionary<string, List<(int T, double Value)>> ReadLong(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The M1 data file '{path}' is missing; the benchmark program copies data/m1 next to itself at build time (data/README.md).", path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != "series,t,value")
            throw new InvalidDataException($"'{path}' must start with the header series,t,value.");
        var result = new Dictionary<string, List<(int, double)>>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
                continue;
            var parts = lines[i].Split(',');
            if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int t)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || !double.IsFinite(value))
            {
                throw new InvalidDataException($"'{path}' line {i + 1} is '{lines[i]}'; it must be series,t,value with an integer t and a positive finite value.");
            }
            if (!result.TryGetValue(parts[0], out var rows))
                result[parts[0]] = rows = new List<(int, double)>();
            rows.Add((t, value));
        }
        return result;
    }
}
