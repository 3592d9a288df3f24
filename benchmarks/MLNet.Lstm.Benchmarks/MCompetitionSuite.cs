using System.Globalization;
using System.Text;
using Microsoft.ML;

namespace MLNet.Lstm.Benchmarks;

/// <summary>Command-line options of the m-competition suite.</summary>
/// <param name="Seeds">Seeds per LSTM method (1 .. Seeds; null: 3, or 1 with <c>--quick</c>); the tables give medians.</param>
/// <param name="Set">monthly, quarterly or both.</param>
/// <param name="Configs">The explicit chains by name (null: <see cref="MCompetitionChain.Best"/>).</param>
/// <param name="RForecastsPath">The R methods' file (null: the repository's benchmarks/reference/results file).</param>
/// <param name="OutDirectory">Where the Markdown and CSV files go (null: out/ in the working directory).</param>
internal sealed record MCompetitionOptions(int? Seeds = null, string Set = "both", string[]? Configs = null, string? RForecastsPath = null,
    string? OutDirectory = null)
{
    /// <summary>The first problem with the options, or null when they are usable.</summary>
    public string? Problem()
    {
        if (Seeds is < 1)
            return $"--seeds {Seeds}: give at least 1 seed (the tables report the median over seeds 1..N).";
        if (Set is not ("monthly" or "quarterly" or "both"))
            return $"--set {Set}: give monthly, quarterly or both.";
        try
        {
            _ = (Configs ?? Array.Empty<string>()).Where(c => c != "none").Select(MCompetitionChain.Named).ToArray();
        }
        catch (ArgumentException e)
        {
            return "--configs: " + e.Message;
        }
        return null;
    }
}

/// <summary>One method's result on a set for one seed (seed 0: a deterministic R method).</summary>
internal sealed record MCompetitionResult(string Set, string Method, int Seed, MCompetitionScores Scores, MCompetitionFit? Fit);

/// <summary>
/// Suite <c>m-competition</c> (not in <c>all</c>; docs/accuracy.md, "M1 competition"): the M1 competition's monthly
/// (h = 18) and quarterly (h = 8) series of data/m1; sMAPE, MASE and OWA (against Naive2) of the explicit global chain,
/// the one call and R's ETS, ARIMA, Theta, naive, seasonal naive and Naive2 (benchmarks/reference/mcompetition.R);
/// fit time and peak memory of every LSTM fit; training throughput against raw TorchSharp. Writes the report to the
/// console and to <c>m-competition.md</c>, <c>m-competition.csv</c> and <c>m-competition-forecasts.csv</c> in the out folder.
/// </summary>
internal static class MCompetitionSuite
{
    public const string Verb = "m-competition";

    /// <summary>Series per set with <c>--quick</c> (the longest ones, so the chain has training windows).</summary>
    private const int QuickSeries = 6;

    public static void Run(BenchmarkSettings console, MCompetitionOptions options)
    {
        var report = new StringWriter();
        var s = console with { Output = report };
        int seeds = options.Seeds ?? (console.Quick ? 1 : 3);
        var sets = MCompetitionSet.All.Where(x => options.Set == "both" || options.Set == x.Name).ToArray();
        var chains = (options.Configs?.Where(c => c != "none").Select(MCompetitionChain.Named) ?? new[] { MCompetitionChain.Best })
            .Select(c => console.Quick ? c with { Epochs = 1, EnsembleSize = 1 } : c).ToArray();
        string dataDirectory = Path.Combine(AppContext.BaseDirectory, "data");
        s.Line($"## M1 competition: {string.Join(" and ", sets.Select(x => $"{x.Name} (h = {x.Horizon}, m = {x.Period})"))}; LSTM seeds 1..{seeds} (medians); torch threads {s.Threads}{(console.Quick ? $"; QUICK: the {QuickSeries} longest series per set, 1 epoch, no ensemble" : "")}");
        s.Line();
        foreach (var c in chains)
            s.Line($"- {c.Describe()}");
        s.Line("- one call: ForecastByLstm(new ForecastByLstmOptions { TargetColumnName, SeriesColumnName, Horizon = h, Seed })");
        s.Line();

        // The LSTM fits first, the R file read after them (so that a run started while the R script is still
        // writing it finds it at the end); then the tables and the throughput comparison.
        var fits = new List<(MCompetitionSet Set, MCompetitionSeries[] Series, List<(string Method, int Seed, MCompetitionFit Fit)> Fits)>();
        var forecasts = new StringBuilder("set,series,method,seed,step,forecast\n");
        foreach (var set in sets)
        {
            var all = set.Load(dataDirectory);
            var series = console.Quick ? all.OrderByDescending(x => x.Train.Length).ThenBy(x => x.Name, StringComparer.Ordinal).Take(QuickSeries).ToArray() : all;
            var setFits = new List<(string, int, MCompetitionFit)>();
            foreach (var chain in chains)
                setFits.AddRange(Lstm(chain.Name, (ml, seed) => chain.Pipeline(ml, set, seed, s.Threads), set, series, seeds, forecasts));
            setFits.AddRange(Lstm("one call", (ml, seed) => MCompetitionOneCall.Estimator(ml, set, seed, console.Quick), set, series, seeds, forecasts));
            fits.Add((set, series, setFits));
        }

        string? referencePath = MCompetitionReference.Locate(options.RForecastsPath);
        var reference = referencePath is not null && File.Exists(referencePath) ? MCompetitionReference.Read(referencePath) : null;
        s.Line(reference is null
            ? $"**R methods not run**: {MCompetitionReference.HowToRun}; expected file: {referencePath ?? MCompetitionReference.RelativePath}. No OWA without Naive2."
            : $"R methods: `{MCompetitionReference.RelativePath}` ({reference.Versions}).");
        s.Line();
        var results = new List<MCompetitionResult>();
        foreach (var (set, series, setFits) in fits)
        {
            var setResults = new List<MCompetitionResult>();
            (double, double)? naive2 = null;
            var incomplete = new List<string>();
            if (reference is not null)
            {
                if (reference.Covered(set, series, MCompetitionReference.Naive2) == series.Length)
                {
                    var n2 = MCompetitionMetrics.Score(series, reference.Forecasts(set, series, MCompetitionReference.Naive2), set.Period);
                    naive2 = (n2.Smape, n2.Mase);
                }
                foreach (var method in MCompetitionReference.Methods)
                {
                    int covered = reference.Covered(set, series, method);
                    if (covered == series.Length)
                        setResults.Add(new(set.Name, "R " + method, 0, MCompetitionMetrics.Score(series, reference.Forecasts(set, series, method), set.Period, naive2), null));
                    else
                        incomplete.Add($"R {method} ({covered} of {series.Length} series in the file)");
                }
            }
            setResults.AddRange(setFits.Select(f => new MCompetitionResult(set.Name, f.Method, f.Seed, MCompetitionMetrics.Score(series, f.Fit.Forecasts, set.Period, naive2), f.Fit)));
            WriteTable(s, set, series.Length, setResults, seeds);
            if (incomplete.Count > 0)
                s.Line($"Not scored, incomplete in the R file: {string.Join(", ", incomplete)}; {MCompetitionReference.HowToRun} (it resumes a .partial file).{Environment.NewLine}");
            if (chains.Length > 0) // the throughput comparison needs an explicit chain's network (not with --configs none)
                MCompetitionThroughput.Run(s, chains[0], set, series, epochs: console.Quick ? 1 : 2);
            results.AddRange(setResults);
        }

        string text = report.ToString();
        console.Output.Write(text);
        string outDirectory = options.OutDirectory ?? Path.Combine(Directory.GetCurrentDirectory(), "out");
        WriteFile(outDirectory, "m-competition.md", text);
        WriteFile(outDirectory, "m-competition.csv", Csv(results));
        WriteFile(outDirectory, "m-competition-forecasts.csv", forecasts.ToString());
        console.Line($"Wrote m-competition.md, m-competition.csv and m-competition-forecasts.csv to {outDirectory}.");
        console.Line();
    }

    /// <summary>One LSTM method over seeds 1..<paramref name="seeds"/>: a fresh estimator per seed, fitted and its forecasts kept.</summary>
    private static IEnumerable<(string Method, int Seed, MCompetitionFit Fit)> Lstm(string method, Func<MLContext, int, IEstimator<ITransformer>> estimator,
        MCompetitionSet set, MCompetitionSeries[] series, int seeds, StringBuilder forecasts)
    {
        var results = new List<(string, int, MCompetitionFit)>();
        for (int seed = 1; seed <= seeds; seed++)
        {
            var ml = new MLContext(seed);
            var fit = MCompetitionRun.Run(ml, estimator(ml, seed), set, series);
            var scores = MCompetitionMetrics.Score(series, fit.Forecasts, set.Period);
            Console.Error.WriteLine($"m-competition: {set.Name} {method} seed {seed}: fit {fit.FitSeconds:F1} s, peak {Mib(fit.PeakBytes):F0} MiB, " +
                $"sMAPE {scores.Smape:F3}, MASE {scores.Mase:F3}, padded series {fit.Padded}");
            for (int i = 0; i < series.Length; i++)
                for (int h = 0; h < set.Horizon; h++)
                    forecasts.Append(CultureInfo.InvariantCulture, $"{set.Name},{series[i].Name},{method},{seed},{h + 1},{fit.Forecasts[i][h]:R}\n");
            results.Add((method, seed, fit));
        }
        return results;
    }

    private static void WriteTable(BenchmarkSettings s, MCompetitionSet set, int count, List<MCompetitionResult> results, int seeds)
    {
        s.Line($"### M1 {set.Name}: {count} series, h = {set.Horizon}");
        s.Line();
        s.Line("| method | sMAPE (%) | MASE | OWA | fit s | peak MiB | padded series |");
        s.Line("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var group in results.GroupBy(r => r.Method))
        {
            var r = group.ToArray();
            string Spread(Func<MCompetitionScores, double> f, string format) => r.Length == 1
                ? f(r[0].Scores).ToString(format, CultureInfo.InvariantCulture)
                : $"{Median(r, x => f(x.Scores)).ToString(format, CultureInfo.InvariantCulture)} ({r.Min(x => f(x.Scores)).ToString(format, CultureInfo.InvariantCulture)}–{r.Max(x => f(x.Scores)).ToString(format, CultureInfo.InvariantCulture)})";
            var fits = r.Where(x => x.Fit is not null).Select(x => x.Fit!).ToArray();
            string fit = fits.Length == 0 ? "—" : Harness.Median(fits.Select(f => f.FitSeconds).ToArray()).ToString("F1", CultureInfo.InvariantCulture);
            string peak = fits.Length == 0 ? "—" : fits.Max(f => Mib(f.PeakBytes)).ToString("F0", CultureInfo.InvariantCulture) + (fits.Any(f => f.PeakIsSinceStart) ? " (process peak)" : "");
            string padded = fits.Length == 0 ? "—" : fits.Max(f => f.Padded).ToString(CultureInfo.InvariantCulture);
            s.Line($"| {group.Key} | {Spread(x => x.Smape, "F3")} | {Spread(x => x.Mase, "F3")} | {Spread(x => x.Owa, "F3")} | {fit} | {peak} | {padded} |");
        }
        s.Line();
        if (seeds > 1)
            s.Line($"LSTM rows: median over seeds 1..{seeds} (min–max); fit s: median; peak MiB: the largest.");
        s.Line("Peak MiB: the process's resident-set peak (VmHWM) during Fit, reset just before it; padded series: series shorter than the model's window, forecast by ForecastBySeries from left-padded rows.");
        s.Line();
    }

    private static double Median(MCompetitionResult[] r, Func<MCompetitionResult, double> f) => Harness.Median(r.Select(f).ToArray());

    private static double Mib(long bytes) => bytes / (1024.0 * 1024.0);

    private static string Csv(IEnumerable<MCompetitionResult> results)
    {
        var csv = new StringBuilder("set,method,seed,smape,mase,owa,fit_seconds,peak_mib,padded\n");
        foreach (var r in results)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.Set},{r.Method},{r.Seed},{r.Scores.Smape:R},{r.Scores.Mase:R},{r.Scores.Owa:R},{r.Fit?.FitSeconds.ToString("F2", CultureInfo.InvariantCulture)},{(r.Fit is null ? "" : Mib(r.Fit.PeakBytes).ToString("F1", CultureInfo.InvariantCulture))},{r.Fit?.Padded}\n");
        }
        return csv.ToString();
    }

    /// <summary>Writes <paramref name="text"/> to a temporary name in <paramref name="directory"/> and renames it to <paramref name="name"/>.</summary>
    private static void WriteFile(string directory, string name, string text)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name), temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
