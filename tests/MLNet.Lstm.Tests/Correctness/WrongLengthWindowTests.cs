using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>
/// Issue 13 §1.2: a window of the wrong length (a float[] of another length in a [VectorType(20)] field) is an error
/// naming the column, the expected and the actual size, on every path: the whole chain, NormalizeWindows (view and
/// row mapper), the batched scorer (view and row mapper) and SlidingWindow's pass-through (view and row mapper).
/// </summary>
public class WrongLengthWindowTests
{
    private sealed class NormalizedInput
    {
        [VectorType(TinyChain.Size)]
        public float[] Window { get; set; } = Array.Empty<float>();

        [VectorType(TinyChain.F)]
        public float[] WindowShift { get; set; } = { 1, 1 };

        [VectorType(TinyChain.F)]
        public float[] WindowScale { get; set; } = { 1, 1 };
    }

    private sealed class NormalizedOutput
    {
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    private static void AssertWrongLength(Exception e, int actual)
    {
        Assert.IsType<InvalidOperationException>(e);
        Assert.Contains("'Window'", e.Message);
        Assert.Contains($"has {actual} values", e.Message);
        Assert.Contains($"Vector<Single> of {TinyChain.Size}", e.Message);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(30)]
    public void ChainPredictionEngineRejectsAWrongLengthAndKeepsNoState(int length)
    {
        var model = TinyChain.Get().Model;
        var ml = new MLContext(seed: 1);
        var engine = ml.Model.CreatePredictionEngine<TinyChain.WindowInput, TinyChain.ScoreOutput>(model);
        float good = engine.Predict(new TinyChain.WindowInput { Window = TinyChain.Window(3) }).Score[0];
        var e = Record.Exception(() => engine.Predict(new TinyChain.WindowInput { Window = TinyChain.Window(5).Take(length).Concat(new float[Math.Max(0, length - TinyChain.Size)]).ToArray() }));
        AssertWrongLength(e!, length);
        Assert.Equal(good, engine.Predict(new TinyChain.WindowInput { Window = TinyChain.Window(3) }).Score[0]);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(30)]
    public void ChainTransformRejectsAWrongLengthRow(int length)
    {
        var model = TinyChain.Get().Model;
        var ml = new MLContext(seed: 1);
        var rows = new[]
        {
            new TinyChain.WindowInput { Window = TinyChain.Window(0) },
            new TinyChain.WindowInput { Window = new float[length] },
        };
        var e = Record.Exception(() => Vectors(model.Transform(ml.Data.LoadFromEnumerable(rows)), "Score"));
        AssertWrongLength(e!, length);
        Assert.Contains("row 1", e!.Message);
    }

    [Fact]
    public void NormalizeWindowsRejectsAWrongLengthInItsViewAndItsRowMapper()
    {
        var normalize = TinyChain.Get().Model.Skip(1).OfType<NormalizeWindowsTransformer>().Single();
        var ml = new MLContext(seed: 1);
        var rows = new[] { new TinyChain.WindowInput { Window = new float[7] } };
        AssertWrongLength(Record.Exception(() => Vectors(normalize.Transform(ml.Data.LoadFromEnumerable(rows)), "Window"))!, 7);
        var engine = ml.Model.CreatePredictionEngine<TinyChain.WindowInput, NormalizedOutput>(normalize);
        AssertWrongLength(Record.Exception(() => engine.Predict(rows[0]))!, 7);
    }

    [Fact]
    public void TheBatchScorerRejectsAWrongLengthInItsViewAndItsRowMapper()
    {
        var lstm = TinyChain.Get().Model.LastTransformer;
        var ml = new MLContext(seed: 1);
        var rows = new[] { new NormalizedInput { Window = new float[TinyChain.Size] }, new NormalizedInput { Window = new float[7] } };
        var e = Record.Exception(() => Vectors(lstm.Transform(ml.Data.LoadFromEnumerable(rows)), "Score"));
        AssertWrongLength(e!, 7);
        Assert.Contains("row 1", e!.Message);
        var engine = ml.Model.CreatePredictionEngine<NormalizedInput, TinyChain.ScoreOutput>(lstm);
        AssertWrongLength(Record.Exception(() => engine.Predict(rows[1]))!, 7);
        var shift = Record.Exception(() => engine.Predict(new NormalizedInput { Window = new float[TinyChain.Size], WindowShift = new float[3] }));
        Assert.Contains("'WindowShift'", shift!.Message);
        Assert.Contains($"Vector<Single> of {TinyChain.F}", shift.Message);
    }

    [Fact]
    public void SlidingWindowPassThroughRejectsAWrongLengthInItsViewAndItsRowMapper()
    {
        var window = TinyChain.Get().Model.OfType<SlidingWindowTransformer>().Single();
        var ml = new MLContext(seed: 1);
        var rows = new[] { new TinyChain.WindowInput { Window = new float[TinyChain.Size] }, new TinyChain.WindowInput { Window = new float[30] } };
        var view = window.Transform(ml.Data.LoadFromEnumerable(rows));
        var e = Record.Exception(() => Vectors(view, "Window"));
        AssertWrongLength(e!, 30);
        Assert.Contains("SlidingWindow", e!.Message);
        var engine = ml.Model.CreatePredictionEngine<TinyChain.WindowInput, TinyChain.WindowInput>(window);
        Assert.Equal(TinyChain.Window(2), engine.Predict(new TinyChain.WindowInput { Window = TinyChain.Window(2) }).Window);
        AssertWrongLength(Record.Exception(() => engine.Predict(new TinyChain.WindowInput { Window = new float[7] }))!, 7);
    }
}

/// <summary>The evaluator reads label and score vectors with the same length check.</summary>
public class WrongLengthEvaluationTests
{
    private sealed class VectorRow
    {
        [VectorType(2)] public float[] Label { get; set; } = Array.Empty<float>();
        [VectorType(2)] public float[] Score { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void AShortLabelVectorIsAnErrorNotTheLastRowsValues()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            new VectorRow { Label = new[] { 1f, 2f }, Score = new[] { 1f, 2f } },
            new VectorRow { Label = new[] { 3f }, Score = new[] { 3f, 4f } },
        });
        var e = Assert.Throws<InvalidOperationException>(() => ml.Forecasting.Evaluate(data));
        Assert.Contains("'Label'", e.Message);
        Assert.Contains("has 1 values at row 1", e.Message);
        Assert.Contains("Vector<Single> of 2", e.Message);
    }
}
