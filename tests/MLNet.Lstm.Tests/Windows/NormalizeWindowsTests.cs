using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Windows;

public class NormalizeWindowsTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private sealed class Step
    {
        public float P { get; set; }
        public float Q { get; set; }
    }

    private static IDataView Series(params (float P, float Q)[] rows) =>
        Ml.Data.LoadFromEnumerable(rows.Select(r => new Step { P = r.P, Q = r.Q }).ToArray());

    private static readonly (float, float)[] Prices =
    {
        (2f, 10f), (4f, 5f), (3f, 20f), (6f, 40f), (5.5f, 35f), (7.25f, 12f), (8f, 12f),
    };

    // The Keras tutorial's normalise_windows: for each window and column, p / p0 - 1.
    private static double[] Tutorial(float[] window, int f)
    {
        var result = new double[window.Length];
        for (int i = 0; i < window.Length; i++)
            result[i] = (double)window[i] / window[i % f] - 1;
        return result;
    }

    [Fact]
    public void RelativeToLastDividesByTheWindowsLastValue()
    {
        var input = Series(Prices);
        var view = Ml.Transforms.SlidingWindow("Window", new[] { "P", "Q" }, windowSize: 3)
            .Append(Ml.Transforms.NormalizeWindows("Normalized", "Window", WindowNormalization.RelativeToLast))
            .Fit(input).Transform(input);
        // First window [[2,10],[4,5],[3,20]]: last (3, 20); w / last - 1.
        Assert.Equal(new float[] { (2f - 3f) / 3f, (10f - 20f) / 20f, (4f - 3f) / 3f, (5f - 20f) / 20f, 0, 0 }, Vectors(view, "Normalized")[0]); // (w - last) / last
        Assert.Equal(new float[] { 3, 20 }, Vectors(view, "NormalizedShift")[0]);
        Assert.Equal(new float[] { 3, 20 }, Vectors(view, "NormalizedScale")[0]);
        Assert.Equal((6f - 3f) / 3f, Scalars<float>(view, "LabelNormalized")[0]); // label 6: a change of +100% from the last value
        Assert.True(WindowAnnotations.TryGetWindowInfo(view.Schema["Normalized"], out var info));
        Assert.Equal(WindowNormalization.RelativeToLast, info.Normalization);

        var zeroLast = Series((1, 1), (2, 0), (3, 3));
        var error = Assert.Throws<InvalidOperationException>(() => Vectors(Ml.Transforms.SlidingWindow("Window", new[] { "P", "Q" }, windowSize: 2)
            .Append(Ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.RelativeToLast)).Fit(zeroLast).Transform(zeroLast), "Window"));
        Assert.Contains("RelativeToLast", error.Message);
        Assert.Contains("ends with 0 in column 'Q'", error.Message);
    }

    [Fact]
    public void RelativeToFirstEqualsTheTutorialsNormaliseWindows()
    {
        var input = Series(Prices);
        var pipeline = Ml.Transforms.SlidingWindow("Window", new[] { "P", "Q" }, windowSize: 3)
            .Append(Ml.Transforms.NormalizeWindows("Normalized", "Window"));
        var view = pipeline.Fit(input).Transform(input);
        var raw = Vectors(view, "Window");
        var normalized = Vectors(view, "Normalized");
        var labels = Scalars<float>(view, "Label");
        var normalizedLabels = Scalars<float>(view, "LabelNormalized");
        var shifts = Vectors(view, "NormalizedShift");
        var scales = Vectors(view, "NormalizedScale");
        Assert.Equal(4, normalized.Count);
        Assert.Equal(new float[] { 0, 0, 1, -0.5f, 0.5f, 1 }, normalized[0]); // [[2,10],[4,5],[3,20]]
        for (int k = 0; k < normalized.Count; k++)
        {
            var expected = Tutorial(raw[k], 2);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - normalized[k][i]) <= 1e-6, $"window {k} index {i}");
            Assert.True(Math.Abs((double)labels[k] / raw[k][0] - 1 - normalizedLabels[k]) <= 1e-6);
            Assert.Equal(new[] { raw[k][0], raw[k][1] }, shifts[k]);
            Assert.Equal(new[] { raw[k][0], raw[k][1] }, scales[k]);
            // The trainer turns predictions back into the label's units with the target's shift and scale.
            float restored = NormalizeWindowsTransformer.Denormalize(normalizedLabels[k], shifts[k][0], scales[k][0]);
            Assert.True(Math.Abs(restored - labels[k]) <= 1e-5 * Math.Abs(labels[k]));
        }

        Assert.True(WindowAnnotations.TryGetWindowInfo(view.Schema["Normalized"], out var info));
        Assert.Equal(WindowNormalization.RelativeToFirst, info.Normalization);
        Assert.Equal("NormalizedShift", info.ShiftColumnName);
        Assert.Equal("NormalizedScale", info.ScaleColumnName);
        Assert.Equal((3, 2), (info.WindowSize, info.FeatureCount));
        Assert.Equal(new[] { "P", "Q" }, info.FeatureNames);
    }

    [Theory]
    [InlineData(WindowNormalization.None)]
    [InlineData(WindowNormalization.RelativeToFirst)]
    [InlineData(WindowNormalization.MinMax)]
    [InlineData(WindowNormalization.ZScore)]
    [InlineData(WindowNormalization.RelativeToLast)]
    public void InverseRestoresTheOriginalWindows(WindowNormalization mode)
    {
        var input = Series(Prices);
        var view = Ml.Transforms.SlidingWindow("Window", new[] { "P", "Q" }, windowSize: 4, horizon: 2)
            .Append(Ml.Transforms.NormalizeWindows("Normalized", "Window", mode))
            .Fit(input).Transform(input);
        var raw = Vectors(view, "Window");
        var normalized = Vectors(view, "Normalized");
        var shifts = Vectors(view, "NormalizedShift");
        var scales = Vectors(view, "NormalizedScale");
        var labels = Vectors(view, "Label");
        var normalizedLabels = Vectors(view, "LabelNormalized");
        for (int k = 0; k < raw.Count; k++)
        {
            var restored = new float[raw[k].Length];
            NormalizeWindowsTransformer.Denormalize(normalized[k], shifts[k], scales[k], restored);
            for (int i = 0; i < restored.Length; i++)
                Assert.True(Math.Abs(restored[i] - raw[k][i]) <= 1e-5 * Math.Abs(raw[k][i]) + 1e-6, $"{mode} window {k} index {i}: {restored[i]} vs {raw[k][i]}");
            for (int j = 0; j < 2; j++)
            {
                float y = NormalizeWindowsTransformer.Denormalize(normalizedLabels[k][j], shifts[k][0], scales[k][0]);
                Assert.True(Math.Abs(y - labels[k][j]) <= 1e-5 * Math.Abs(labels[k][j]));
            }
            if (mode == WindowNormalization.MinMax)
                Assert.True(normalized[k].All(v => v >= 0 && v <= 1));
        }
    }

    [Fact]
    public void MinMaxAndZScoreOfAConstantColumnDivideByOneAndReportScaleZero()
    {
        var input = Series((1, 5), (2, 5), (3, 5), (4, 5));
        foreach (var mode in new[] { WindowNormalization.MinMax, WindowNormalization.ZScore })
        {
            var view = Ml.Transforms.SlidingWindow("Window", new[] { "P", "Q" }, windowSize: 3)
                .Append(Ml.Transforms.NormalizeWindows("Window", mode: mode)).Fit(input).Transform(input);
            var window = Vectors(view, "Window")[0];
            Assert.Equal(new float[] { 0, 0, 0 }, new[] { window[1], window[3], window[5] });
            Assert.Equal(0f, Vectors(view, "WindowScale")[0][1]); // the inverse p · 0 + 5 forecasts the level
            Assert.Equal(5f, Vectors(view, "WindowShift")[0][1]);
        }
    }

    [Fact]
    public void ZeroBaseIsAnErrorNamingRowAndColumnAndSuggestingAnotherMode()
    {
        // A sine wave crosses zero: the tutorial's rule would divide by (nearly) 0.
        var input = Series((1, 1), (2, 2), (3, 0), (4, 1), (5, 2), (6, 3));
        var view = Ml.Transforms.SlidingWindow("Window", new[] { "P", "Q" }, windowSize: 2)
            .Append(Ml.Transforms.NormalizeWindows("Window")).Fit(input).Transform(input);
        var e = Assert.Throws<InvalidOperationException>(() => Vectors(view, "Window"));
        Assert.Contains("'Q'", e.Message);
        Assert.Contains("row 2", e.Message);
        Assert.Contains("MinMax", e.Message);
        Assert.Contains("ZScore", e.Message);
    }

    [Fact]
    public void MissingWindowColumnIsAnErrorNamingIt()
    {
        var input = Series(Prices);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.NormalizeWindows("Window").Fit(input));
        Assert.Contains("'Window'", e.Message);
        Assert.Contains("SlidingWindow", e.Message);
        var shape = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.NormalizeWindows("Window").GetOutputSchema(ShapeOf(input)));
        Assert.Contains("'Window'", shape.Message);
    }

    private sealed class TextWindow
    {
        public string Window { get; set; } = "";
    }

    [Fact]
    public void NonNumericWindowColumnIsAnErrorNamingIt()
    {
        var input = Ml.Data.LoadFromEnumerable(new[] { new TextWindow() });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.NormalizeWindows("Window").Fit(input));
        Assert.Contains("'Window'", e.Message);
        Assert.Contains("Vector<Single>", e.Message);
    }

    private sealed class FlatWindow
    {
        [VectorType(6)]
        public float[] Window { get; set; } = { 1, 2, 3, 4, 5, 6 };
    }

    private sealed class ShortWindow
    {
        [VectorType(4)]
        public float[] Window { get; set; } = new float[4];
    }

    [Fact]
    public void WrongVectorSizeIsAnErrorNamingTheColumn()
    {
        var flat = Ml.Data.LoadFromEnumerable(new[] { new FlatWindow() });
        var unknownT = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.NormalizeWindows("Window").Fit(flat));
        Assert.Contains("'Window'", unknownT.Message);
        Assert.Contains("WindowSize", unknownT.Message);

        var notMultiple = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 4 }).Fit(flat));
        Assert.Contains("'Window'", notMultiple.Message);

        var transformer = Ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 3 }).Fit(flat);
        Assert.Equal(2, transformer.FeatureCount);
        var wrong = Ml.Data.LoadFromEnumerable(new[] { new ShortWindow() });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(wrong));
        Assert.Contains("'Window'", e.Message);
        Assert.Contains("6 values", e.Message);
    }

    private sealed class BadLabel
    {
        [VectorType(6)]
        public float[] Window { get; set; } = { 1, 2, 3, 4, 5, 6 };

        public string Label { get; set; } = "";
    }

    [Fact]
    public void NonNumericLabelIsAnErrorNamingIt()
    {
        var input = Ml.Data.LoadFromEnumerable(new[] { new BadLabel() });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 3 }).Fit(input));
        Assert.Contains("'Label'", e.Message);
    }

    [Fact]
    public void InvalidOptionsAreErrorsNamingTheParameter()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 0 }));
        Assert.Contains("WindowSize", e.Message);
        var mode = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.NormalizeWindows("Window", mode: (WindowNormalization)42));
        Assert.Equal("Mode", mode.ParamName);
    }

    [Fact]
    public void FlatWindowWithOptionsWorksInAPredictionEngine()
    {
        var flat = Ml.Data.LoadFromEnumerable(new[] { new FlatWindow() });
        var transformer = Ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 3, Mode = WindowNormalization.MinMax }).Fit(flat);
        var engine = Ml.Model.CreatePredictionEngine<FlatWindow, FlatWindow>(transformer);
        // [[1,2],[3,4],[5,6]]: per column min 1/2, range 4.
        Assert.Equal(new[] { 0f, 0f, 0.5f, 0.5f, 1f, 1f }, engine.Predict(new FlatWindow()).Window);
    }
}
