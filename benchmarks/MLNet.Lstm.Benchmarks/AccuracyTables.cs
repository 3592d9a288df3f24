using System.Globalization;

namespace MLNet.Lstm.Benchmarks;

/// <summary>The accuracy suite's Markdown: summary of MASE, per series and protocol tables, per-step MASE, targets.</summary>
internal static class AccuracyTables
{
    private static readonly AccuracyProtocol[] Protocols = { AccuracyProtocol.OneStep, AccuracyProtocol.Backtest };

    public static void Write(BenchmarkSettings s, IReadOnlyList<SeriesSplit> splits, IReadOnlyList<AccuracyResult> results, string[] methods, int seeds)
    {
        s.Line("### MASE summary (pooled over folds and steps; LSTM: median over seeds)");
        s.Line();
        s.Line($"| series | protocol | folds × steps | {string.Join(" | ", methods)} |");
        s.Line($"|---|---|---:|{string.Concat(methods.Select(_ => "---:|"))}");
        foreach (var split in splits)
        {
            foreach (var protocol in Protocols)
            {
                var cells = methods.Select(m => F2(Median(Find(results, split, protocol, m), x => x.Mase)));
                s.Line($"| {split.Series.Name} | {AccuracyReference.ProtocolName(protocol)} | {split.Origins(protocol).Length} × {split.Steps(protocol)} | {string.Join(" | ", cells)} |");
            }
        }
        s.Line();
        foreach (var split in splits)
            WriteSeries(s, split, results, methods, seeds);
    }

    private static void WriteSeries(BenchmarkSettings s, SeriesSplit split, IReadOnlyList<AccuracyResult> results, string[] methods, int seeds)
    {
        var x = split.Series;
        s.Line($"### {x.Name}: N = {split.Length}, period {x.Period}, training rows 0..{split.TrainRows - 1}, MASE scale {Sig(split.Scale)}");
        s.Line();
        foreach (var protocol in Protocols)
        {
            var origins = split.Origins(protocol);
            s.Line($"{AccuracyReference.ProtocolName(protocol)}: {origins.Length} folds (origins {origins[0]}..{origins[^1]}) × {split.Steps(protocol)} step(s)" +
                (seeds > 1 ? $"; LSTM: median over {seeds} seeds (min–max)" : ""));
            s.Line();
            s.Line("| method | MASE | sMAPE % | MAPE % | RMSE |");
            s.Line("|---|---:|---:|---:|---:|");
            foreach (var m in methods)
            {
                var r = Find(results, split, protocol, m);
                if (r is not null)
                    s.Line($"| {m} | {Cell(r, a => a.Mase, F2)} | {Cell(r, a => a.Smape, F2)} | {Cell(r, a => a.Mape, F2)} | {Cell(r, a => a.Rmse, Sig)} |");
            }
            s.Line();
        }
        int h = x.Horizon;
        s.Line($"backtest MASE per step (h = 1..{h}; LSTM: median over seeds):");
        s.Line();
        s.Line($"| method | {string.Join(" | ", Enumerable.Range(1, h))} |");
        s.Line($"|---|{string.Concat(Enumerable.Repeat("---:|", h))}");
        foreach (var m in methods)
        {
            var r = Find(results, split, AccuracyProtocol.Backtest, m);
            if (r is not null)
                s.Line($"| {m} | {string.Join(" | ", Enumerable.Range(0, h).Select(i => F2(Median(r, a => a.MasePerStep[i]))))} |");
        }
        s.Line();
    }

    /// <summary>Issue 11's targets, evaluated for each LSTM configuration (they are set for ForecastByLstm).</summary>
    public static void WriteTargets(BenchmarkSettings s, IReadOnlyList<SeriesSplit> splits, IReadOnlyList<AccuracyResult> results, string[] lstmNames, bool haveReference)
    {
        s.Line("### Accuracy targets (set for ForecastByLstm; here for the configurations measured; medians over seeds)");
        s.Line();
        foreach (var name in lstmNames)
        {
            var naive = new List<string>();
            int naiveBeaten = 0, naiveCases = 0, etsBeaten = 0, arimaBeaten = 0, cases = 0;
            foreach (var split in splits)
            {
                foreach (var protocol in Protocols)
                {
                    double lstm = Median(Find(results, split, protocol, name), a => a.Mase);
                    cases++;
                    if (split.Series.Seasonal)
                    {
                        double better = Math.Min(Median(Find(results, split, protocol, "persistence"), a => a.Mase),
                            Median(Find(results, split, protocol, "seasonal naive"), a => a.Mase));
                        naiveCases++;
                        naiveBeaten += lstm < better ? 1 : 0;
                        naive.Add($"{split.Series.Name} {AccuracyReference.ProtocolName(protocol)} {F2(lstm / better)}");
                    }
                    if (haveReference)
                    {
                        etsBeaten += lstm < Median(Find(results, split, protocol, "ETS"), a => a.Mase) ? 1 : 0;
                        arimaBeaten += lstm < Median(Find(results, split, protocol, "ARIMA"), a => a.Mase) ? 1 : 0;
                    }
                }
            }
            s.Line($"- **{name}**:");
            s.Line($"  - MASE ÷ the better of persistence and seasonal naive, seasonal series (target < 1 on all): " +
                (naiveCases == 0 ? "no seasonal series run" : $"{naiveBeaten} of {naiveCases} below 1 ({string.Join("; ", naive)})"));
            s.Line(haveReference
                ? $"  - beats ETS on {etsBeaten} of {cases} series × protocols (target ≥ half), ARIMA on {arimaBeaten} of {cases} (target ≥ a third)"
                : "  - ETS and ARIMA: R baselines not run");
            var dax = splits.FirstOrDefault(x => x.Series.Name == "dax");
            if (dax is not null)
            {
                double ratio = Median(Find(results, dax, AccuracyProtocol.OneStep, name), a => a.Mase)
                    / Median(Find(results, dax, AccuracyProtocol.OneStep, "persistence"), a => a.Mase);
                s.Line($"  - DAX one-step MASE ÷ persistence's: {ratio:F3} (target ≤ 1.02: {(ratio <= 1.02 ? "met" : "missed")})");
            }
        }
        s.Line();
    }

    private static AccuracyResult? Find(IReadOnlyList<AccuracyResult> results, SeriesSplit split, AccuracyProtocol protocol, string method) =>
        results.FirstOrDefault(r => r.Series == split.Series.Name && r.Protocol == protocol && r.Method == method);

    private static double Median(AccuracyResult? r, Func<AccuracyScores, double> metric) =>
        r is null ? double.NaN : Harness.Median(r.PerSeed.Select(metric).ToArray());

    private static string Cell(AccuracyResult r, Func<AccuracyScores, double> metric, Func<double, string> format)
    {
        string median = format(Median(r, metric));
        if (r.PerSeed.Length == 1)
            return median;
        var values = r.PerSeed.Select(metric).ToArray();
        return $"{median} ({format(values.Min())}–{format(values.Max())})";
    }

    private static string F2(double v) => double.IsNaN(v) ? "–" : v.ToString("F2", CultureInfo.InvariantCulture);

    private static string Sig(double v) => v.ToString(Math.Abs(v) >= 1000 ? "F0" : "G4", CultureInfo.InvariantCulture);
}
