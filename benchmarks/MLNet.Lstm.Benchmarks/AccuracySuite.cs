using System.Diagnostics;

namespace MLNet.Lstm.Benchmarks;

/// <summary>Command-line options of the accuracy suite.</summary>
/// <param name="Seeds">LSTM seeds per configuration (1 .. Seeds); the tables give the median and min–max.</param>
/// <param name="Series">The series to run (null: all, or the quick pair with <c>--quick</c>).</param>
/// <param name="EpochScale">Multiplies every configuration's epochs (null: 1, or 0.05 with <c>--quick</c>).</param>
/// <param name="RForecastsPath">The R baselines' file (null: the repository's benchmarks/reference/results file).</param>
/// <param name="Configs">The LSTM configurations by name (null: the documented run's; ablation names in <see cref="AccuracyLstmConfig.Ablations"/>).</param>
internal sealed record AccuracyOptions(int? Seeds = null, string[]? Series = null, double? EpochScale = null, string? RForecastsPath = null,
    string[]? Configs = null)
{
    /// <summary>The series of <c>--quick</c>: one monthly, one annual.</summary>
    public static readonly string[] QuickSeries = { "usaccdeaths", "nile" };

    /// <summary>The first problem with the options, or null when they are usable.</summary>
    public string? Problem()
    {
        if (Seeds is < 1)
            return $"--seeds {Seeds}: give at least 1 seed (the tables report the median over seeds 1..N; 3 or more for a spread).";
        if (EpochScale is { } scale && !(scale > 0 && double.IsFinite(scale)))
            return $"--epochs-scale {scale}: give a positive factor (e.g. 0.05 for a smoke run, 1 for the documented run).";
        var unknown = (Series ?? Array.Empty<string>()).Where(n => !AccuracySeries.All.Any(x => string.Equals(x.Name, n, StringComparison.OrdinalIgnoreCase))).ToArray();
        if (Series is { Length: 0 } || unknown.Length > 0)
            return $"--series: unknown or missing series '{string.Join(",", unknown)}'; series: {string.Join(",", AccuracySeries.All.Select(x => x.Name))}.";
        return null;
    }
}

/// <summary>One method's scores on one series and protocol: one entry per seed (one entry for deterministic methods).</summary>
internal sealed record AccuracyResult(string Series, AccuracyProtocol Protocol, string Method, AccuracyScores[] PerSeed);

/// <summary>
/// Suite <c>accuracy</c> (docs/accuracy.md): persistence, seasonal naive, R's ETS/ARIMA/Theta (from the R script's
/// file) and the LSTM configurations on the classic series and the DAX, one-step and rolling-origin backtest.
/// </summary>
internal static class AccuracySuite
{
    public static void Run(BenchmarkSettings s, AccuracyOptions options)
    {
        int seeds = options.Seeds ?? (s.Quick ? 1 : 3);
        double epochScale = options.EpochScale ?? (s.Quick ? 0.05 : 1.0);
        var series = (options.Series ?? (s.Quick ? AccuracyOptions.QuickSeries : AccuracySeries.All.Select(x => x.Name).ToArray()))
            .Select(AccuracySeries.Named).ToArray();
        var configs = (options.Configs?.Select(AccuracyLstmConfig.Named) ?? AccuracyLstmConfig.All).Select(c => c.Scaled(epochScale)).ToArray();
        var reference = LoadReference(s, options.RForecastsPath);
        string dataDirectory = Path.Combine(AppContext.BaseDirectory, "data");

        s.Line($"## Accuracy: {series.Length} series, LSTM seeds 1..{seeds} (medians, min–max), epochs × {epochScale}, torch threads {s.Threads}");
        s.Line();
        foreach (var c in configs)
            s.Line($"- {c.Describe(AccuracySeries.Named("dax"))}");
        s.Line();

        var results = new List<AccuracyResult>();
        var splits = new List<SeriesSplit>();
        var fitSeconds = configs.ToDictionary(c => c.Name, _ => 0.0);
        foreach (var x in series)
        {
            var split = new SeriesSplit(x, x.Load(dataDirectory));
            splits.Add(split);
            foreach (var protocol in new[] { AccuracyProtocol.OneStep, AccuracyProtocol.Backtest })
            {
                results.Add(Single(split, protocol, "persistence", AccuracyMetrics.Persistence(split, protocol)));
                results.Add(Single(split, protocol, "seasonal naive", AccuracyMetrics.SeasonalNaive(split, protocol)));
                foreach (var method in reference is null ? Array.Empty<string>() : AccuracyReference.Methods)
                    results.Add(Single(split, protocol, method, reference!.Forecasts(split, protocol, method)));
            }
            foreach (var config in configs)
                results.AddRange(RunLstm(config, split, seeds, s.Threads, fitSeconds));
        }

        var methods = new[] { "persistence", "seasonal naive" }
            .Concat(reference is null ? Array.Empty<string>() : AccuracyReference.Methods)
            .Concat(configs.Select(c => c.Name)).ToArray();
        AccuracyTables.Write(s, splits, results, methods, seeds);
        AccuracyTables.WriteTargets(s, splits, results, configs.Select(c => c.Name).ToArray(), reference is not null);
        foreach (var (name, seconds) in fitSeconds)
            s.Line($"<!-- {name}: {seconds:F1} s of LSTM fitting and forecasting over all series and seeds -->");
    }

    private static AccuracyReference? LoadReference(BenchmarkSettings s, string? explicitPath)
    {
        string? path = AccuracyReference.Locate(explicitPath);
        if (path is null || !File.Exists(path))
        {
            s.Line($"**R baselines not run**: {AccuracyReference.HowToRun}; expected file: {path ?? AccuracyReference.RelativePath}. " +
                "The tables below have persistence, seasonal naive and the LSTM only.");
            s.Line();
            return null;
        }
        var reference = AccuracyReference.Read(path);
        s.Line($"R baselines: `{AccuracyReference.RelativePath}` ({reference.Versions}).");
        s.Line();
        return reference;
    }

    private static AccuracyResult Single(SeriesSplit split, AccuracyProtocol protocol, string method, FoldForecasts forecasts) =>
        new(split.Series.Name, protocol, method, new[] { AccuracyMetrics.Score(split, forecasts) });

    private static IEnumerable<AccuracyResult> RunLstm(AccuracyLstmConfig config, SeriesSplit split, int seeds, int threads, Dictionary<string, double> seconds)
    {
        var oneStep = new AccuracyScores[seeds];
        var backtest = new AccuracyScores[seeds];
        for (int seed = 1; seed <= seeds; seed++)
        {
            var clock = Stopwatch.StartNew();
            var run = AccuracyLstm.Run(config, split, seed, threads);
            oneStep[seed - 1] = AccuracyMetrics.Score(split, run.OneStep);
            backtest[seed - 1] = AccuracyMetrics.Score(split, run.Backtest);
            seconds[config.Name] += clock.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"accuracy: {split.Series.Name} {config.Name} seed {seed}: {run.Seconds:F1} s, " +
                $"one-step MASE {oneStep[seed - 1].Mase:F3}, backtest MASE {backtest[seed - 1].Mase:F3}");
        }
        yield return new AccuracyResult(split.Series.Name, AccuracyProtocol.OneStep, config.Name, oneStep);
        yield return new AccuracyResult(split.Series.Name, AccuracyProtocol.Backtest, config.Name, backtest);
    }
}
