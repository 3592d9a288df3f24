using Microsoft.ML;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>
/// Issue 13 §3, the scoring half of the fuzz test (the zip half is <c>LoadModelFuzzTests</c>): seeded, bounded random
/// windows — wrong lengths, NaN and ±∞ at random places, zero bases, large and tiny values — scored by the fitted
/// chain, by <c>mlContext.Forecasting.LoadModel</c> and by stock <c>mlContext.Model.Load</c>. Every case is a clean
/// exception (a wrong length, naming the column and both sizes) or the documented answer: NaN for a window that
/// cannot be scored, otherwise the same finite number on every path. Never a wrong number. Zero-spread and tiny-scale
/// windows have their own case (issue 18); empty batches through the exported graph are <c>EmptyBatchGraphTests</c>.
/// </summary>
public class ScoringFuzzTests
{
    private const int Cases = 300;

    private enum Expect { WrongLength, NaN, Finite }

    [Fact]
    public void RandomWindowsGiveACleanErrorNaNOrTheSameFiniteScoreOnEveryPath()
    {
        var fitted = TinyChain.Get();
        var ml = new MLContext(seed: 1);
        var paths = new (string Name, ITransformer Model)[]
        {
            ("fitted", fitted.Model),
            ("LoadModel", new MLContext().Forecasting.LoadModel(fitted.ZipPath)),
            ("stock Model.Load", new MLContext().Model.Load(fitted.ZipPath, out _)),
        };
        var engines = paths.Select(p => (p.Name, Engine: ml.Model.CreatePredictionEngine<TinyChain.WindowInput, TinyChain.ScoreOutput>(p.Model))).ToArray();
        var random = new Random(20261130);
        var seen = new Dictionary<Expect, int>();
        for (int c = 0; c < Cases; c++)
        {
            var (window, expect) = RandomCase(random);
            seen[expect] = seen.GetValueOrDefault(expect) + 1;
            string what = $"case {c} ({expect}, {window.Length} values: [{string.Join(", ", window.Take(6))}, ...])";
            var scores = new List<float>();
            foreach (var (name, engine) in engines)
            {
                float? score = null;
                var error = Record.Exception(() => score = engine.Predict(new TinyChain.WindowInput { Window = window }).Score[0]);
                if (expect == Expect.WrongLength)
                {
                    Assert.True(error is not null, $"{name}: {what} scored {score} instead of refusing the length");
                    if (name != "stock Model.Load") // ML.NET's own refusal has its own words; ours names the sizes
                    {
                        Assert.Contains("'Window'", error!.Message);
                        Assert.Contains($"has {window.Length} values", error.Message);
                    }
                    continue;
                }
                Assert.True(error is null, $"{name}: {what} threw {error}");
                scores.Add(score!.Value);
            }
            if (expect == Expect.NaN)
                Assert.All(scores, s => Assert.True(float.IsNaN(s), $"{what}: a window that cannot be scored gave {s}"));
            else if (expect == Expect.Finite)
            {
                Assert.All(scores, s => Assert.True(float.IsFinite(s), $"{what}: gave {s}"));
                Assert.All(scores, s => Assert.Equal(scores[0], s));
            }
        }
        // The generator reaches every kind of case.
        Assert.All(Enum.GetValues<Expect>(), e => Assert.True(seen.GetValueOrDefault(e) >= 30, $"{e}: {seen.GetValueOrDefault(e)} cases"));
    }

    /// <summary>
    /// Zero-spread and tiny-scale windows through the MinMax and ZScore chains on every path: a flat window (both columns
    /// at one random level, 1e-30 to 1e30, either sign, or 0) is forecast exactly at that level; the series' windows
    /// scaled to 1e-30 .. 1e-20 give the same finite score on every path, within the window's own scale.
    /// </summary>
    [Theory]
    [InlineData(WindowNormalization.MinMax)]
    [InlineData(WindowNormalization.ZScore)]
    public void ZeroSpreadAndTinyScaleWindowsGiveTheLevelOrTheSameScaledScoreOnEveryPath(WindowNormalization mode)
    {
        var fitted = TinyChain.Get(mode: mode);
        var ml = new MLContext(seed: 1);
        var engines = new (string Name, ITransformer Model)[]
        {
            ("fitted", fitted.Model),
            ("LoadModel", new MLContext().Forecasting.LoadModel(fitted.ZipPath)),
            ("stock Model.Load", new MLContext().Model.Load(fitted.ZipPath, out _)),
        }.Select(p => (p.Name, Engine: ml.Model.CreatePredictionEngine<TinyChain.WindowInput, TinyChain.ScoreOutput>(p.Model))).ToArray();
        var random = new Random(20261208);
        for (int c = 0; c < 60; c++)
        {
            float level = random.Next(5) == 0 ? 0f : (random.Next(2) == 0 ? -1 : 1) * MathF.Pow(10f, random.Next(-30, 31)) * (1 + random.NextSingle());
            var flat = Enumerable.Repeat(level, TinyChain.Size).ToArray();
            foreach (var (name, engine) in engines)
            {
                float score = engine.Predict(new TinyChain.WindowInput { Window = flat }).Score[0];
                Assert.True(score == level, $"{mode} {name}: flat window at {level} forecast {score}");
            }
            float tiny = MathF.Pow(10f, random.Next(-30, -19));
            var window = TinyChain.Window(random.Next(0, 100)).Select(v => v * tiny).ToArray();
            var target = Enumerable.Range(0, TinyChain.T).Select(i => window[i * TinyChain.F]).ToArray();
            float spread = target.Max() - target.Min();
            var scores = engines.Select(e => e.Engine.Predict(new TinyChain.WindowInput { Window = window }).Score[0]).ToArray();
            Assert.All(scores, s => Assert.Equal(scores[0], s));
            Assert.True(float.IsFinite(scores[0]) && MathF.Abs(scores[0] - target.Average()) <= 100 * spread,
                $"{mode}: window at scale {tiny} (target {target.Min()} .. {target.Max()}) forecast {scores[0]}");
        }
    }

    /// <summary>One random window and what it must give.</summary>
    private static (float[] Window, Expect Expect) RandomCase(Random random)
    {
        int kind = random.Next(4);
        if (kind == 0)
        {
            int length = random.Next(0, 3 * TinyChain.Size);
            if (length == TinyChain.Size)
                length++;
            return (Enumerable.Range(0, length).Select(_ => 50f + 100f * random.NextSingle()).ToArray(), Expect.WrongLength);
        }
        var window = TinyChain.Window(random.Next(0, 100));
        // Scale the level: the model (RelativeToFirst) must give a finite answer for any positive level.
        float level = MathF.Pow(10f, random.Next(-3, 5));
        for (int i = 0; i < window.Length; i++)
            window[i] *= level;
        if (kind == 1)
            return (window, Expect.Finite);
        int bad = random.Next(1, 4);
        for (int k = 0; k < bad; k++)
        {
            float[] values = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f };
            float value = values[random.Next(values.Length)];
            // A zero makes a window unscorable only as a base (the first step of a column, RelativeToFirst).
            int index = value == 0f ? random.Next(TinyChain.F) : random.Next(window.Length);
            window[index] = value;
        }
        return (window, Expect.NaN);
    }
}
