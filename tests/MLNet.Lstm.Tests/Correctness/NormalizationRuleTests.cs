using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>
/// The documented rule for windows that cannot be normalised: NaN at prediction time (no label column), an error
/// naming the row, the column and the fix on labelled data; and the one window-shape rule.
/// </summary>
public class NormalizationRuleTests
{
    private sealed class Unlabelled
    {
        [VectorType(6)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    private sealed class Labelled
    {
        [VectorType(6)]
        public float[] Window { get; set; } = Array.Empty<float>();

        public float Label { get; set; }
    }

    private sealed class Normalized
    {
        public float[] Window { get; set; } = Array.Empty<float>();
        public float[] WindowShift { get; set; } = Array.Empty<float>();
        public float[] WindowScale { get; set; } = Array.Empty<float>();
    }

    private static NormalizeWindowsTransformer Fit(MLContext ml) =>
        ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 3 })
            .Fit(ml.Data.LoadFromEnumerable(new[] { new Unlabelled { Window = new float[6] } }));

    [Fact]
    public void AtPredictionTimeAZeroBaseGivesNaNForItsColumnOnly()
    {
        var ml = new MLContext(seed: 1);
        var engine = ml.Model.CreatePredictionEngine<Unlabelled, Normalized>(Fit(ml));
        // [[2, 0], [4, 1], [3, 2]]: column 1 starts with 0.
        var result = engine.Predict(new Unlabelled { Window = new[] { 2f, 0f, 4f, 1f, 3f, 2f } });
        Assert.Equal(new[] { 0f, float.NaN, 1f, float.NaN, 0.5f, float.NaN }, result.Window);
        Assert.Equal(new[] { 2f, float.NaN }, result.WindowShift);
        Assert.Equal(new[] { 2f, float.NaN }, result.WindowScale);
    }

    [Fact]
    public void OnLabelledDataAWindowThatCannotBeNormalisedIsAnErrorNamingItsRowColumnAndValue()
    {
        var ml = new MLContext(seed: 1);
        var transformer = Fit(ml);
        var rows = ml.Data.LoadFromEnumerable(new[]
        {
            new Labelled { Window = new[] { 2f, 1f, 4f, 1f, 3f, 2f }, Label = 1 },
            new Labelled { Window = new[] { 2f, 1f, 4f, float.PositiveInfinity, 3f, 2f }, Label = 1 },
        });
        var e = Assert.Throws<InvalidOperationException>(() => Vectors(transformer.Transform(rows), "Window"));
        Assert.Contains("row 1", e.Message);
        Assert.Contains("'f1'", e.Message);
        Assert.Contains("Infinity", e.Message);
        Assert.Contains("step 1", e.Message);
    }

    [Fact]
    public void WindowShapeComesFromDimensionsAnnotationsOrTheOptionAndMustAgree()
    {
        var ml = new MLContext(seed: 1);
        var series = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 8).Select(i => new TinyChain.Step { A = i + 1, B = i + 2 }).ToArray());
        var windows = ml.Transforms.SlidingWindow("Window", new[] { "A", "B" }, 3).Fit(series).Transform(series);
        Assert.Equal((3, 2), WindowShape.Resolve(windows.Schema["Window"], null, "Test", "WindowSize"));
        Assert.Equal((3, 2), WindowShape.Resolve(windows.Schema["Window"], 3, "Test", "WindowSize"));
        var conflict = Assert.Throws<ArgumentOutOfRangeException>(() => WindowShape.Resolve(windows.Schema["Window"], 2, "Test", "WindowSize"));
        Assert.Contains("[T = 3, F = 2]", conflict.Message);
        var conflictInNormalize = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 2 }).Fit(windows));
        Assert.Equal("WindowSize", conflictInNormalize.ParamName);

        var flat = ml.Data.LoadFromEnumerable(new[] { new Unlabelled() }).Schema["Window"];
        Assert.Equal((2, 3), WindowShape.Resolve(flat, 2, "Test", "WindowSize"));
        Assert.Contains("WindowSize 4 does not divide", Assert.Throws<ArgumentOutOfRangeException>(() => WindowShape.Resolve(flat, 4, "Test", "WindowSize")).Message);
        Assert.Contains("set Options.WindowSize", Assert.Throws<ArgumentOutOfRangeException>(() => WindowShape.Resolve(flat, null, "Test", "WindowSize")).Message);
    }
}
