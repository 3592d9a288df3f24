using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Windows;

public class WindowPersistenceTests
{
    private const int T = 50;
    private const int F = 4;

    private sealed class WindowRow
    {
        [VectorType(T * F)]
        public float[] Window { get; set; } = new float[T * F];
    }

    private sealed class NormalizedRow
    {
        [VectorType(T * F)]
        public float[] Window { get; set; } = Array.Empty<float>();

        [VectorType(F)]
        public float[] WindowShift { get; set; } = Array.Empty<float>();

        [VectorType(F)]
        public float[] WindowScale { get; set; } = Array.Empty<float>();
    }

    private static void AssertSame(List<float[]> expected, List<float[]> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int k = 0; k < expected.Count; k++)
            Close(expected[k], actual[k], tolerance);
    }

    [Theory]
    [InlineData(WindowNormalization.RelativeToFirst, 0)] // bitwise identical: the same float32 Sub and Div
    [InlineData(WindowNormalization.MinMax, 0)]
    [InlineData(WindowNormalization.ZScore, 1e-5)] // ORT sums in float32 in its own order: ~1e-6 apart
    [InlineData(WindowNormalization.None, 0)]
    [InlineData(WindowNormalization.RelativeToLast, 0)]
    public void EuStockChainSavesReloadsAndScoresIdentically(WindowNormalization mode, double tolerance)
    {
        var ml = new MLContext(seed: 1);
        var raw = LoadEuStock(ml);
        var pipeline = ml.Transforms.SlidingWindow("Window", EuStockColumns, windowSize: T)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: mode));
        var model = pipeline.Fit(raw);
        var scored = model.Transform(raw);
        var expected = Vectors(scored, "Window");
        Assert.Equal(1860 - T, expected.Count);
        var expectedShift = Vectors(scored, "WindowShift");
        var expectedScale = Vectors(scored, "WindowScale");

        var path = Path.Combine(Path.GetTempPath(), $"windows-{mode}-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, raw.Schema, path);
            var loaded = new MLContext().Model.Load(path, out var savedSchema);
            Assert.NotNull(savedSchema.GetColumnOrNull("DAX"));

            // The reloaded model scores window rows (the SlidingWindow step is a pass-through after reload).
            var windows = ml.Transforms.SlidingWindow("Window", EuStockColumns, T).Fit(raw).Transform(raw);
            var reloaded = loaded.Transform(windows);
            AssertSame(expected, Vectors(reloaded, "Window"), tolerance);
            AssertSame(expectedShift, Vectors(reloaded, "WindowShift"), tolerance);
            AssertSame(expectedScale, Vectors(reloaded, "WindowScale"), tolerance);

            // A raw series in one call: the same windowing in front of the reloaded model.
            var oneCall = ml.Transforms.SlidingWindow("Window", EuStockColumns, T).Fit(raw).Append(loaded).Transform(raw);
            AssertSame(expected, Vectors(oneCall, "Window"), tolerance);
            Assert.Equal(Scalars<int>(scored, "Day"), Scalars<int>(oneCall, "Day"));

            // PredictionEngine over window rows, before and after reload.
            var firstWindow = Vectors(windows, "Window")[0];
            var before = ml.Model.CreatePredictionEngine<WindowRow, NormalizedRow>(model).Predict(new WindowRow { Window = firstWindow });
            var after = ml.Model.CreatePredictionEngine<WindowRow, NormalizedRow>(loaded).Predict(new WindowRow { Window = firstWindow });
            Close(expected[0], before.Window, 0);
            Close(before.Window, after.Window, tolerance);
            Close(before.WindowShift, after.WindowShift, tolerance);
            Close(before.WindowScale, after.WindowScale, tolerance);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PredictionEngineOnRawRowsExplainsThatWindowsAreNeeded()
    {
        var ml = new MLContext(seed: 1);
        var raw = LoadEuStock(ml);
        var model = ml.Transforms.SlidingWindow("Window", EuStockColumns, T).Fit(raw);
        var e = Assert.Throws<InvalidOperationException>(() => model.GetRowToRowMapper(raw.Schema));
        Assert.Contains("'Window'", e.Message);
        Assert.Contains($"VectorType({T * F})", e.Message);
    }

    [Fact]
    public void DataFrameInputGivesTheSameWindowsAsTheTextLoader()
    {
        var ml = new MLContext(seed: 1);
        var raw = LoadEuStock(ml);
        var frame = DataFrame.LoadCsv(DataPath);
        var pipeline = ml.Transforms.SlidingWindow("Window", EuStockColumns, windowSize: 20, horizon: 3)
            .Append(ml.Transforms.NormalizeWindows("Normalized", "Window"));
        var fromText = pipeline.Fit(raw).Transform(raw);
        var fromFrame = pipeline.Fit(frame).Transform(frame);
        var textWindows = Vectors(fromText, "Window");
        Assert.Equal(1860 - 20 - 3 + 1, textWindows.Count);
        AssertSame(textWindows, Vectors(fromFrame, "Window"), 0);
        AssertSame(Vectors(fromText, "Normalized"), Vectors(fromFrame, "Normalized"), 1e-6);
        AssertSame(Vectors(fromText, "Label"), Vectors(fromFrame, "Label"), 0);
    }
}
