using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Tests.Trainer;
using MLNet.Lstm.Training;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>
/// Issue 13 §1.3: a window that cannot be scored (a NaN or ±∞ value, a zero base under RelativeToFirst) gets a NaN
/// Score, never a number, in memory and after a stock <c>mlContext.Model.Load</c>, and both agree on every window.
/// </summary>
public class NonFiniteScoringTests
{
    public static TheoryData<string, int, float> BadWindows => new()
    {
        { "NaN in A", 5 * TinyChain.F, float.NaN },
        { "+Inf in B", 3 * TinyChain.F + 1, float.PositiveInfinity },
        { "-Inf in A", (TinyChain.T - 1) * TinyChain.F, float.NegativeInfinity },
        { "NaN first value", 0, float.NaN },
        { "zero base of B", 1, 0f },
        { "zero base of A", 0, 0f },
    };

    private static float[] Bad(int index, float value)
    {
        var window = TinyChain.Window(4);
        window[index] = value;
        return window;
    }

    [Theory]
    [MemberData(nameof(BadWindows))]
    public void AWindowThatCannotBeScoredIsNaNInMemoryAndReloaded(string what, int index, float value)
    {
        var fitted = TinyChain.Get();
        var ml = new MLContext(seed: 1);
        var input = new TinyChain.WindowInput { Window = Bad(index, value) };
        var good = new TinyChain.WindowInput { Window = TinyChain.Window(4) };

        var inMemory = ml.Model.CreatePredictionEngine<TinyChain.WindowInput, TinyChain.ScoreOutput>(fitted.Model);
        var loadedModel = new MLContext().Model.Load(fitted.ZipPath, out _);
        var reloaded = ml.Model.CreatePredictionEngine<TinyChain.WindowInput, TinyChain.ScoreOutput>(loadedModel);
        Assert.True(float.IsNaN(inMemory.Predict(input).Score[0]), what);
        Assert.True(float.IsNaN(reloaded.Predict(input).Score[0]), what);
        Assert.Equal(inMemory.Predict(good).Score[0], reloaded.Predict(good).Score[0]);

        // Batched Transform, with good windows around the bad one.
        var rows = ml.Data.LoadFromEnumerable(new[] { good, input, good });
        var fromMemory = Vectors(fitted.Model.Transform(rows), "Score").Select(s => s[0]).ToArray();
        var fromZip = Vectors(loadedModel.Transform(rows), "Score").Select(s => s[0]).ToArray();
        Assert.True(float.IsNaN(fromMemory[1]) && float.IsNaN(fromZip[1]), what);
        Assert.Equal(new[] { fromMemory[0], fromMemory[2] }, new[] { fromZip[0], fromZip[2] });
        Assert.True(float.IsFinite(fromMemory[0]) && fromMemory[0] == fromMemory[2]);
    }

    [Fact]
    public void TheLstmGraphTurnsANonFiniteInputIntoANaNScoreWithoutNormalisation()
    {
        const int t = 6, f = 2;
        var weights = LstmTestUtil.RandomWeights(3, t, f, 1, 5);
        var graph = LstmOnnxExporter.Export(weights, new LstmScoringLayout("Window", "Label", null, null, null, 0));
        using var session = new InferenceSession(graph);
        float Score(float[] window)
        {
            var tensor = new DenseTensor<float>(window, new[] { 1, t * f });
            using var result = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Window", tensor) });
            return result.First().AsEnumerable<float>().Single();
        }

        var window = Enumerable.Range(0, t * f).Select(i => 0.1f * i).ToArray();
        Assert.Equal((float)LstmTestUtil.Reference(weights, window)[0], Score(window), 5);
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var copy = (float[])window.Clone();
            copy[7] = bad;
            Assert.True(float.IsNaN(Score(copy)), $"{bad}");
        }
    }
}
