using Microsoft.ML;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Training throughput of the m-competition chain (issue 17, item 8), as the training suite measures it for one
/// series: the chain's pipeline <c>Fit</c> (one ensemble member, <paramref name="Epochs"/> epochs, no validation) over
/// the set's keyed series against <see cref="TrainingSuite.RawLoop"/> on the same windows (normalised relative to their
/// last value, h-step labels), the same network (LSTM → Linear(hidden, h)), L1 or MSE loss, batch, learning rate,
/// seed and torch threads; medians of alternating repetitions.
/// </summary>
internal static class MCompetitionThroughput
{
    public static void Run(BenchmarkSettings s, MCompetitionChain chain, MCompetitionSet set, IReadOnlyList<MCompetitionSeries> series, int epochs)
    {
        TorchNativeLoader.EnsureLoaded();
        int window = chain.WindowSize(set);
        var (x, y, windows) = Windows(series, window, set.Horizon);
        var config = new TrainingConfig(Rows: windows + window, window, Features: 1, chain.HiddenSizes[0], chain.HiddenSizes.Length,
            chain.BatchSize, epochs, chain.LearningRate, Seed: 1, s.Threads);
        var single = chain with { EnsembleSize = 1, Epochs = epochs };
        var variants = new[]
        {
            new Variant("ML.NET pipeline Fit (keyed SlidingWindow → NormalizeWindows → Lstm)", () =>
            {
                var ml = new MLContext(1);
                var model = single.Pipeline(ml, set, seed: 1, s.Threads).Fit(ml.Data.LoadFromEnumerable(MCompetitionRun.Rows(series)));
                (model as IDisposable)?.Dispose();
                return (long)windows * epochs;
            }),
            new Variant("raw TorchSharp loop (reference)", () =>
                TrainingSuite.RawLoop(x, y, config, horizon: set.Horizon, meanAbsoluteError: chain.Loss == LstmLoss.Mae)),
        };
        s.Line($"#### Training throughput, M1 {set.Name}: {windows:N0} windows (T={window}, h={set.Horizon}), LSTM {string.Join("×", chain.HiddenSizes)}, " +
            $"loss {chain.Loss}, batch {chain.BatchSize}, {epochs} epoch(s), torch threads {s.Threads}, {s.Repetitions} repetition(s) after {s.Warmups} warm-up(s)");
        s.Line();
        var results = Harness.Alternate(variants, s.Repetitions, s.Warmups);
        s.Line("| variant | median s | windows/s | pipeline ÷ raw time |");
        s.Line("|---|---:|---:|---:|");
        foreach (var m in results)
            s.Line($"| {m.Name} | {m.MedianSeconds:F2} | {m.UnitsPerSecond:N0} | {m.MedianSeconds / results[^1].MedianSeconds:F2} |");
        s.Line();
    }

    /// <summary>
    /// Every labelled window of every series (start s with s + T + h ≤ n), [N, T, 1] and labels [N, h], both as
    /// <c>v / w_last − 1</c> with w_last the window's last value (NormalizeWindows' RelativeToLast).
    /// </summary>
    public static (float[] X, float[] Y, int Windows) Windows(IReadOnlyList<MCompetitionSeries> series, int window, int horizon)
    {
        var x = new List<float>();
        var y = new List<float>();
        int count = 0;
        foreach (var s in series)
        {
            for (int start = 0; start + window + horizon <= s.Train.Length; start++, count++)
            {
                double last = s.Train[start + window - 1];
                for (int k = 0; k < window; k++)
                    x.Add((float)(s.Train[start + k] / last - 1));
                for (int k = 0; k < horizon; k++)
                    y.Add((float)(s.Train[start + window + k] / last - 1));
            }
        }
        return (x.ToArray(), y.ToArray(), count);
    }
}
