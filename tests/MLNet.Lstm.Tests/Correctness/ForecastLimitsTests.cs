using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>
/// Issue 13 §1.4 and §1.10: Forecast checks every prediction as it is produced and bounds <c>steps</c>; a window size
/// that overflows names the option.
/// </summary>
public class ForecastLimitsTests
{
    private sealed class Row
    {
        public float X { get; set; }
    }

    private sealed class WindowOnly
    {
        [VectorType(1)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    /// <summary>T = 1, F = 1: Score = 2 · x, so a recursive forecast from 1 doubles at every step (2^128 overflows).</summary>
    private static SeriesForecaster Doubling(MLContext ml)
    {
        var b = new OnnxModelBuilder("doubling");
        b.AddInput("Window", OnnxElementType.Float, OnnxDim.Batch, 1);
        b.AddInitializer("two", new[] { 2f }, new long[] { 1 });
        b.AddInt64Vector("flat", -1);
        b.AddNode("Mul", new[] { "Window", "two" }, new[] { "doubled" });
        b.AddNode("Reshape", new[] { "doubled", "flat" }, new[] { "Score" });
        b.AddOutput("Score", OnnxElementType.Float, OnnxDim.Batch);
        using var stream = new MemoryStream(b.Build());
        var model = ml.Transforms.ApplyOnnxModel(new[] { "Score" }, new[] { "Window" }, stream)
            .Fit(ml.Data.LoadFromEnumerable(Array.Empty<WindowOnly>()));
        return new SeriesForecaster(model, new SeriesWindowing("Window", new[] { "X" }, 1, 0, 1));
    }

    private static IDataView Ones(MLContext ml) => ml.Data.LoadFromEnumerable(new[] { new Row { X = 1 }, new Row { X = 1 } });

    [Fact]
    public void ADivergingForecastIsAnErrorNamingTheFirstNonFiniteStep()
    {
        var ml = new MLContext(seed: 1);
        var forecaster = Doubling(ml);
        var fine = forecaster.Forecast(Ones(ml), 127).Segments.Single().Values;
        Assert.Equal(MathF.Pow(2, 127), fine[^1]);
        var e = Assert.Throws<InvalidOperationException>(() => forecaster.Forecast(Ones(ml), 200));
        Assert.Contains("step 128", e.Message);
        Assert.Contains("is Infinity", e.Message);
        Assert.Contains("Predict fewer steps", e.Message);
        Assert.Contains("the first 127 were finite", e.Message);
        Assert.Throws<InvalidOperationException>(() => forecaster.PredictFullSequence(ml.Data.LoadFromEnumerable(
            Enumerable.Range(0, 300).Select(_ => new Row { X = 1 }).ToArray())));
    }

    [Theory]
    [InlineData(SeriesForecaster.MaxForecastSteps + 1)]
    [InlineData(int.MaxValue)]
    public void TooManyStepsIsAnErrorNamingStepsAndTheMaximum(int steps)
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Doubling(ml).Forecast(Ones(ml), steps));
        Assert.Equal("steps", e.ParamName);
        Assert.Contains("1,000,000", e.Message);
        Assert.Contains("fewer steps", e.Message);
    }

    [Fact]
    public void AWindowTheModelCannotScoreIsAnErrorNamingItsRow()
    {
        var fitted = TinyChain.Get();
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 40).Select(i => new TinyChain.Step { A = 100 + i, B = i == 20 ? 0 : 50 }).ToArray();
        var forecaster = ml.Forecasting.CreateSeriesForecaster(fitted.Model);
        var e = Assert.Throws<InvalidOperationException>(() => forecaster.PredictPointByPoint(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("PointByPoint", e.Message);
        Assert.Contains("row 30", e.Message);
        Assert.Contains("starts at row 20", e.Message);
        Assert.Contains("MinMax", e.Message);
    }

    [Theory]
    [InlineData(int.MaxValue / 2 + 1, 1)]
    [InlineData(int.MaxValue, 1)]
    [InlineData(1000, int.MaxValue)]
    public void AWindowSizeThatOverflowsNamesTheOptionAndTheFix(int windowSize, int horizon)
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SlidingWindow("Window", new[] { "A", "B" }, windowSize, horizon));
        Assert.Equal("WindowSize", e.ParamName);
        Assert.Contains($"windowSize {windowSize} x 2 column(s)", e.Message);
        Assert.Contains("Use a smaller windowSize", e.Message);
    }
}
