using System.Diagnostics;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Entry point. Usage: <c>MLNet.Lstm.Benchmarks [suite ...] [--quick] [--reps N] [--warmups N] [--threads N]</c>;
/// suites: <c>training</c> (1), <c>scoring</c> (2), <c>memory</c> (3), <c>scaling</c> (5), <c>service</c> (7), <c>all</c> (default);
/// <c>quantiles</c> (not in all): the cost of quantile heads and conformal bands (issue 9);
/// <c>profile</c> (not in all): suite 1's pipeline Fit split into the trainer's phases; <c>scoring-gpu</c> (not in all,
/// needs <c>-p:OnnxRuntimeBackend=cuda</c> and a GPU): the batched scorer on ONNX Runtime's CUDA execution provider;
/// <c>accuracy</c> (not in all; docs/accuracy.md) with <c>--seeds N</c>, <c>--series a,b</c>, <c>--epochs-scale X</c>,
/// <c>--r-forecasts FILE</c>; <c>global</c> (not in all; issue 10): one global fit over N series against N separate fits.
/// <c>m-competition</c> (not in all; docs/accuracy.md, "M1 competition") with <c>--seeds N</c>, <c>--set monthly|quarterly|both</c>,
/// <c>--configs "name,name"</c>, <c>--r-forecasts FILE</c>, <c>--out DIR</c>.
/// Also <c>dump-series FILE [--rows N]</c> (the training series for the PyTorch reference).
/// <c>--quick</c> runs one tiny iteration of every selected suite (the smoke test uses it).
/// </summary>
public static class BenchmarkProgram
{
    private static readonly string[] AllSuites = { "training", "scoring", "memory", "scaling", "service" };
    private static readonly string[] OtherSuites = { "profile", "accuracy", GpuScoringSuite.Verb, GlobalSuite.Verb, "quantiles", MCompetitionSuite.Verb };
    private const string Usage =
        "usage: MLNet.Lstm.Benchmarks [training|scoring|memory|scaling|service|all|profile|accuracy|scoring-gpu|global|quantiles|m-competition ...] [--quick] [--reps N] [--warmups N] [--threads N]\n" +
        "       accuracy options: [--seeds N] [--series a,b] [--epochs-scale X] [--r-forecasts FILE] [--configs \"name,name\"]\n" +
        "       m-competition options: [--seeds N] [--set monthly|quarterly|both] [--configs \"name,name\"] [--r-forecasts FILE] [--out DIR]";

    /// <summary>Process entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == MemorySuite.ChildVerb)
            return MemorySuite.Child(args.Skip(1).ToArray(), Console.Out);
        if (args.Length > 1 && args[0] == "dump-series")
            return DumpSeries(args[1], args.Length > 3 && args[2] == "--rows" ? int.Parse(args[3]) : 20_000);
        return Run(args, Console.Out);
    }

    /// <summary>
    /// Writes the training suite's synthetic series (<paramref name="rows"/> × 2, float32 little-endian) for
    /// benchmarks/reference/pytorch_lstm.py <c>--series</c>, so PyTorch trains on the same numbers.
    /// </summary>
    private static int DumpSeries(string path, int rows)
    {
        var series = TrainingSuite.SyntheticSeries(rows, 2, seed: 1);
        File.WriteAllBytes(path, System.Runtime.InteropServices.MemoryMarshal.AsBytes(series.AsSpan()).ToArray());
        Console.WriteLine($"wrote {rows} x 2 float32 to {path}");
        return 0;
    }

    /// <summary>Runs the selected suites, writing Markdown to <paramref name="output"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        var suites = new List<string>();
        bool quick = false;
        int reps = 5, warmups = 1, threads = 1;
        var accuracy = new AccuracyOptions();
        string set = "both";
        string? outDirectory = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--reps": reps = int.Parse(args[++i]); break;
                case "--warmups": warmups = int.Parse(args[++i]); break;
                case "--threads": threads = int.Parse(args[++i]); break;
                case "--seeds": accuracy = accuracy with { Seeds = int.Parse(args[++i]) }; break;
                case "--series": accuracy = accuracy with { Series = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries) }; break;
                case "--configs": accuracy = accuracy with { Configs = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) }; break;
                case "--epochs-scale": accuracy = accuracy with { EpochScale = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture) }; break;
                case "--r-forecasts": accuracy = accuracy with { RForecastsPath = args[++i] }; break;
                case "--set": set = args[++i]; break;
                case "--out": outDirectory = args[++i]; break;
                case "all": suites.AddRange(AllSuites); break;
                case "-h" or "--help":
                    output.WriteLine(Usage);
                    return 0;
                default:
                    if (!AllSuites.Contains(args[i]) && !OtherSuites.Contains(args[i]))
                    {
                        output.WriteLine($"unknown argument '{args[i]}'; suites: {string.Join(", ", AllSuites)}, all, {string.Join(", ", OtherSuites)}");
                        output.WriteLine(Usage);
                        return 2;
                    }
                    suites.Add(args[i]);
                    break;
            }
        }
        if (suites.Count == 0)
            suites.AddRange(AllSuites);
        if (suites.Contains("accuracy") && accuracy.Problem() is { } problem)
        {
            output.WriteLine(problem);
            output.WriteLine(Usage);
            return 2;
        }
        var mcompetition = new MCompetitionOptions(accuracy.Seeds, set, accuracy.Configs, accuracy.RForecastsPath, outDirectory);
        if (suites.Contains(MCompetitionSuite.Verb) && mcompetition.Problem() is { } mproblem)
        {
            output.WriteLine(mproblem);
            output.WriteLine(Usage);
            return 2;
        }
        if (quick)
        {
            reps = 1;
            warmups = 0;
        }

        var settings = new BenchmarkSettings(quick, reps, warmups, threads, output);
        string timing = suites.All(x => x == "accuracy") ? "" : $"; repetitions {reps} (medians), warm-ups {warmups}"; // accuracy times nothing repeatedly
        settings.Line($"<!-- MLNet.Lstm.Benchmarks {string.Join(' ', args)}; {Environment.ProcessorCount} logical CPUs; .NET {Environment.Version}{timing} -->");
        settings.Line();
        foreach (var suite in suites.Distinct())
        {
            var sw = Stopwatch.StartNew();
            switch (suite)
            {
                case "training": TrainingSuite.Run(settings); break;
                case "scoring": ScoringSuite.Run(settings); break;
                case "memory": MemorySuite.Run(settings); break;
                case "scaling": ScalingSuite.Run(settings); break;
                case "profile": ProfileSuite.Run(settings); break;
                case GpuScoringSuite.Verb: GpuScoringSuite.Run(settings); break;
                case "accuracy": AccuracySuite.Run(settings, accuracy); break;
                case "service": ServiceSuite.Run(settings); break;
                case GlobalSuite.Verb: GlobalSuite.Run(settings); break;
                case "quantiles": QuantileSuite.Run(settings); break;
                case MCompetitionSuite.Verb: MCompetitionSuite.Run(settings, mcompetition); break;
            }
            settings.Line($"<!-- suite {suite}: {sw.Elapsed.TotalSeconds:F1} s -->");
            settings.Line();
        }
        return 0;
    }
}
