using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Tests.Evaluation;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>
/// Seeded, bounded fuzz of keyed pipelines with mixed and short keys: random numbers of series (text or integer keys),
/// random lengths (some shorter than a window), keys that reappear, NaN values, random window sizes and horizons. Models
/// with known answers (Score step k = the window's mean + k; the drift model) let every case assert either the
/// documented error (naming the key, the row or the key column) or the exact values, computed here per key, so a window
/// that crossed two keys would show.
/// </summary>
public class KeyedFuzzTests
{
    private const int Cases = 40;

    private sealed class Row
    {
        public string Key { get; set; } = "";
        public int Id { get; set; }
        public float X { get; set; }
    }

    public sealed class MeanIn
    {
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    public sealed class MeanOut
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    private sealed record Case(int T, int H, string KeyColumn, (string Key, float[] X)[] Series, bool Reappears)
    {
        public string Name(int i) => KeyColumn == "Id" ? $"{i}" : $"k{i}";
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static float[] Expected(float[] window, int h) => Enumerable.Range(0, h).Select(k => window.Average() + k).ToArray();

    private static IDataView Load((string Key, float[] X)[] series) => Ml.Data.LoadFromEnumerable(series.SelectMany(s =>
        s.X.Select(x => new Row { Key = s.Key, Id = int.Parse(s.Key.TrimStart('k'), System.Globalization.CultureInfo.InvariantCulture), X = x })).ToArray());

    private static SeriesForecaster Model(Case c)
    {
        var input = SchemaDefinition.Create(typeof(MeanIn));
        input["Window"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, c.T, 1);
        var output = SchemaDefinition.Create(typeof(MeanOut));
        output["Score"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, c.H);
        int h = c.H;
        var fitData = Load(new[] { (c.Name(0), Enumerable.Range(0, 12).Select(i => (float)i).ToArray()) });
        var model = Ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: c.T, horizon: c.H, seriesColumnName: c.KeyColumn)
            .Append(Ml.Transforms.CustomMapping<MeanIn, MeanOut>((i, o) => o.Score = Expected(i.Window, h), null, input, output))
            .Fit(fitData);
        return SeriesForecaster.Create(model);
    }

    private static Case RandomCase(Random random)
    {
        int t = random.Next(2, 5), h = random.Next(1, 3), keys = random.Next(1, 6);
        string column = random.Next(2) == 0 ? "Key" : "Id";
        var names = Enumerable.Range(0, keys).Select(i => column == "Id" ? $"{i * 7}" : $"k{i * 7}").ToArray();
        var series = names.Select(k => (k, Enumerable.Range(0, random.Next(1, 16)).Select(_ => (float)Math.Round(random.NextDouble() * 100, 2)).ToArray())).ToList();
        if (random.Next(8) == 0)
        {
            var (k, x) = series[random.Next(series.Count)];
            x[random.Next(x.Length)] = float.NaN;
        }
        bool reappears = keys > 1 && random.Next(8) == 0;
        if (reappears)
            series.Add((series[0].k, new[] { 1f, 2f }));
        return new Case(t, h, column, series.ToArray(), reappears);
    }

    [Fact]
    public void ForecasterGivesEachKeysOwnValuesOrTheDocumentedError()
    {
        var random = new Random(20261208);
        var outcomes = new Dictionary<string, int>();
        for (int i = 0; i < Cases; i++)
        {
            var c = RandomCase(random);
            string what = $"case {i}: T {c.T}, h {c.H}, key {c.KeyColumn}, series {string.Join(" ", c.Series.Select(s => $"{s.Key}:{s.X.Length}"))}";
            using var forecaster = Model(c);
            var data = Load(c.Series);
            int steps = random.Next(1, 6);
            string outcome = CheckForecastBySeries(c, forecaster, data, steps, what);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            CheckSingleSeries(c, forecaster, data, what);
        }
        // The seed reaches every kind of outcome.
        Assert.True(outcomes.Keys.Count >= 4, string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")));
    }

    /// <summary>ForecastBySeries: the first problem in data order is the error, or every key gets its own recursion.</summary>
    private static string CheckForecastBySeries(Case c, SeriesForecaster forecaster, IDataView data, int steps, string what)
    {
        if (c.Reappears)
        {
            var error = Assert.Throws<InvalidOperationException>(() => forecaster.ForecastBySeries(data, steps));
            Assert.Contains($"series key '{c.Series[0].Key}' of column '{c.KeyColumn}' reappears", error.Message);
            return "reappears";
        }
        int firstRow = 0;
        foreach (var (key, x) in c.Series)
        {
            int nan = Array.FindIndex(x, float.IsNaN);
            if (nan >= 0)
            {
                var error = Assert.Throws<InvalidOperationException>(() => forecaster.ForecastBySeries(data, steps));
                Assert.Contains($"Column 'X' is NaN at row {nan} of series '{key}' (row {firstRow + nan} of the data)", error.Message);
                return "NaN";
            }
            firstRow += x.Length;
        }
        var result = forecaster.ForecastBySeries(data, steps);
        Assert.Equal(c.Series.Select(s => s.Key), result.Keys);
        foreach (var (key, x) in c.Series)
        {
            var segment = result[key].Segments.Single();
            Assert.Equal(x.Length, segment.StartRow);
            // A series shorter than the window is forecast from its rows left-padded with its first row (docs/windows.md, "Short series").
            int padded = Math.Max(0, c.T - x.Length);
            var window = Enumerable.Repeat(x[0], padded).Concat(x).ToArray()[^c.T..];
            Assert.True(Recurse(window, steps, c.H).SequenceEqual(segment.Values), $"{what}: series {key}");
            Assert.Equal(padded, result[key].PaddedRows);
            Assert.Equal(x, result[key].Observed);
        }
        return c.Series.Any(s => s.X.Length < c.T) ? "short, padded" : c.Series.Length > 1 ? "several keys" : "one key";
    }

    /// <summary>The single-series methods: several keys are refused naming the key column; one key is that key's result.</summary>
    private static void CheckSingleSeries(Case c, SeriesForecaster forecaster, IDataView data, string what)
    {
        if (c.Reappears)
        {
            Assert.Throws<InvalidOperationException>(() => forecaster.PredictPointByPoint(data));
            return;
        }
        if (c.Series.Length > 1)
        {
            var error = Assert.Throws<ArgumentException>(() => forecaster.PredictPointByPoint(data));
            Assert.Contains($"of the model's key column '{c.KeyColumn}'", error.Message);
            Assert.Contains("PredictPointByPointBySeries", error.Message);
            return;
        }
        var x = c.Series[0].X;
        if (x.Length < c.T)
        {
            var error = Assert.Throws<ArgumentException>(() => forecaster.PredictPointByPoint(data));
            Assert.Contains($"The series has {x.Length} row(s); this needs at least {c.T}", error.Message);
            return;
        }
        if (x.Any(float.IsNaN))
        {
            Assert.Throws<InvalidOperationException>(() => forecaster.PredictPointByPoint(data));
            return;
        }
        var single = forecaster.PredictPointByPoint(data);
        var expected = Enumerable.Range(0, x.Length - c.T + 1).Select(s => Expected(x[s..(s + c.T)], c.H)[0]);
        Assert.True(expected.SequenceEqual(single.Segments.Select(s => s.Values.Single())), what);
        var bySeries = forecaster.PredictPointByPointBySeries(data)[c.Series[0].Key];
        Assert.Equal(bySeries.Segments.Select(s => s.Values.Single()), single.Segments.Select(s => s.Values.Single()));
    }

    /// <summary>The forecaster's recursion, computed here: h values per window, fed back as the newest steps.</summary>
    private static float[] Recurse(float[] window, int steps, int h)
    {
        var w = window.ToList();
        var output = new List<float>();
        while (output.Count < steps)
        {
            var scores = Expected(w.Skip(w.Count - window.Length).ToArray(), h);
            foreach (var s in scores.Take(steps - output.Count))
            {
                output.Add(s);
                w.Add(s);
            }
        }
        return output.ToArray();
    }

    [Fact]
    public void KeyedBacktestsOfMixedAndShortKeysKeepEachFoldInsideItsKey()
    {
        var random = new Random(20261209);
        int refused = 0, run = 0, skipped = 0;
        for (int i = 0; i < Cases; i++)
        {
            var c = RandomCase(random);
            if (c.Reappears || c.Series.Any(s => s.X.Any(float.IsNaN)))
                continue;
            int start = random.Next(c.T + c.H, 18), horizon = random.Next(1, 4);
            var model = new DriftEstimator(c.T, 1, 0, c.H) { FixedDrift = 1 };
            var pipeline = Ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: c.T, horizon: c.H, seriesColumnName: c.KeyColumn).Append(model);
            var options = new BacktestOptions { Start = start, Horizon = horizon, Stride = random.Next(1, 3) };
            int longest = c.Series.Max(s => s.X.Length);
            string what = $"case {i}: T {c.T}, h {c.H}, Start {start}, Horizon {horizon}, series {string.Join(" ", c.Series.Select(s => $"{s.Key}:{s.X.Length}"))}";
            if (start + horizon > longest)
            {
                var error = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Forecasting.Backtest(pipeline, Load(c.Series), options));
                Assert.Contains($"has {longest} row(s)", error.Message);
                Assert.Empty(model.Fits);
                refused++;
                continue;
            }
            var r = Ml.Forecasting.Backtest(pipeline, Load(c.Series), options);
            Assert.Equal(c.Series.Where(s => start + horizon > s.X.Length).Select(s => s.Key), r.SkippedSeries);
            run++;
            skipped += r.SkippedSeries.Count;
            var expectedFolds = Enumerable.Range(0, (longest - horizon - start) / options.Stride + 1).Select(k => start + k * options.Stride)
                .SelectMany(s => c.Series.Where(x => s + horizon <= x.X.Length).Select(x => (x.Key, s))).ToArray();
            Assert.True(expectedFolds.SequenceEqual(r.Folds.Select(f => (f.SeriesKey!, f.Start))), what);
            foreach (var fold in r.Folds)
            {
                var x = c.Series.Single(s => s.Key == fold.SeriesKey).X;
                Assert.Equal(x[fold.Start..(fold.Start + horizon)], fold.Actual);
                Assert.Equal(x[fold.Start - 1], fold.LastObserved);
                // The drift model (drift 1), directly or recursively: step k is the key's own last value + k + 1.
                var expected = Enumerable.Range(1, horizon).Select(k => x[fold.Start - 1] + k).ToArray();
                for (int k = 0; k < horizon; k++)
                    Assert.Equal(expected[k], fold.Forecast[k], 3);
            }
        }
        // The seed reaches refused options, backtests and short keys skipped inside them.
        Assert.True(refused > 0 && run >= 5 && skipped > 0, $"refused {refused}, run {run}, skipped keys {skipped}");
    }
}
