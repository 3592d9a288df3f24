using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Windows;

public class SlidingWindowTests
{
    private sealed class Step
    {
        public int Date { get; set; }
        public float A { get; set; }
        public double B { get; set; }
        public string Name { get; set; } = "";
    }

    private static readonly MLContext Ml = new(seed: 1);

    // A = 1..8, B = 10..80, Date = 100..107.
    private static IDataView Series(int n = 8, Func<int, float>? a = null) => Ml.Data.LoadFromEnumerable(
        Enumerable.Range(0, n).Select(i => new Step { Date = 100 + i, A = a?.Invoke(i) ?? i + 1, B = 10 * (i + 1), Name = $"r{i}" }).ToArray());

    private static IDataView Windows(SlidingWindowEstimator.Options options, IDataView? input = null)
    {
        input ??= Series();
        return Ml.Transforms.SlidingWindow(options).Fit(input).Transform(input);
    }

    [Fact]
    public void OneColumnHorizonOne()
    {
        var view = Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 3).Fit(Series()).Transform(Series());
        var windows = Vectors(view, "Window");
        Assert.Equal(5, windows.Count); // N - T - h + 1 = 8 - 3 - 1 + 1
        for (int k = 0; k < 5; k++)
            Assert.Equal(new float[] { k + 1, k + 2, k + 3 }, windows[k]);
        Assert.Equal(new float[] { 4, 5, 6, 7, 8 }, Scalars<float>(view, "Label"));
        Assert.Equal(new[] { 102, 103, 104, 105, 106 }, Scalars<int>(view, "Date")); // last row of each window
        Assert.Equal(new[] { "r2", "r3", "r4", "r5", "r6" }, Scalars<ReadOnlyMemory<char>>(view, "Name").Select(m => m.ToString()));

        var type = (VectorDataViewType)view.Schema["Window"].Type;
        Assert.Equal(new[] { 3, 1 }, type.Dimensions.ToArray());
        Assert.True(WindowAnnotations.TryGetWindowInfo(view.Schema["Window"], out var info));
        Assert.Equal((3, 1, 0), (info.WindowSize, info.FeatureCount, info.TargetIndex));
        Assert.Equal(new[] { "A" }, info.FeatureNames);
        Assert.Null(info.Normalization);
    }

    [Fact]
    public void TwoColumnsAreTimeMajorAndTargetCanBeTheSecond()
    {
        var view = Windows(new() { InputColumnNames = new[] { "A", "B" }, WindowSize = 2, TargetColumnName = "B" });
        var windows = Vectors(view, "Window");
        Assert.Equal(6, windows.Count);
        Assert.Equal(new float[] { 1, 10, 2, 20 }, windows[0]);
        Assert.Equal(new float[] { 6, 60, 7, 70 }, windows[5]);
        Assert.Equal(new float[] { 30, 40, 50, 60, 70, 80 }, Scalars<float>(view, "Label"));
        Assert.Equal(new[] { 2, 2 }, ((VectorDataViewType)view.Schema["Window"].Type).Dimensions.ToArray());
        Assert.True(WindowAnnotations.TryGetWindowInfo(view.Schema["Window"], out var info));
        Assert.Equal(1, info.TargetIndex);
        Assert.Equal(new[] { "A", "B" }, info.FeatureNames);
    }

    [Fact]
    public void HorizonThreeGivesVectorLabels()
    {
        var view = Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 3, horizon: 3).Fit(Series()).Transform(Series());
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), view.Schema["Label"].Type);
        var windows = Vectors(view, "Window");
        var labels = Vectors(view, "Label");
        Assert.Equal(3, windows.Count); // 8 - 3 - 3 + 1
        Assert.Equal(new float[] { 1, 2, 3 }, windows[0]);
        Assert.Equal(new float[] { 3, 4, 5 }, windows[2]);
        Assert.Equal(new float[] { 4, 5, 6 }, labels[0]);
        Assert.Equal(new float[] { 5, 6, 7 }, labels[1]);
        Assert.Equal(new float[] { 6, 7, 8 }, labels[2]);
        Assert.Equal(new[] { 102, 103, 104 }, Scalars<int>(view, "Date"));
    }

    [Fact]
    public void StrideTwo()
    {
        var view = Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 3, stride: 2).Fit(Series()).Transform(Series());
        var windows = Vectors(view, "Window");
        Assert.Equal(3, windows.Count); // windows ending at rows 2, 4, 6
        Assert.Equal(new float[] { 1, 2, 3 }, windows[0]);
        Assert.Equal(new float[] { 3, 4, 5 }, windows[1]);
        Assert.Equal(new float[] { 5, 6, 7 }, windows[2]);
        Assert.Equal(new float[] { 4, 6, 8 }, Scalars<float>(view, "Label"));
        Assert.Equal(new[] { 102, 104, 106 }, Scalars<int>(view, "Date"));
    }

    [Fact]
    public void TrailingUnlabeledWindows()
    {
        var view = Windows(new() { InputColumnNames = new[] { "A" }, WindowSize = 3, IncludeUnlabeledTrailingWindows = true });
        var windows = Vectors(view, "Window");
        Assert.Equal(6, windows.Count);
        Assert.Equal(new float[] { 6, 7, 8 }, windows[5]);
        var labels = Scalars<float>(view, "Label");
        Assert.Equal(new float[] { 4, 5, 6, 7, 8 }, labels.Take(5));
        Assert.True(float.IsNaN(labels[5]));
        Assert.Equal(107, Scalars<int>(view, "Date")[5]);

        var h2 = Windows(new() { InputColumnNames = new[] { "A" }, WindowSize = 3, Horizon = 2, IncludeUnlabeledTrailingWindows = true });
        var labels2 = Vectors(h2, "Label");
        Assert.Equal(6, labels2.Count);
        Close(new float[] { 7, 8 }, labels2[3], 0);
        Close(new float[] { 8, float.NaN }, labels2[4], 0);
        Close(new float[] { float.NaN, float.NaN }, labels2[5], 0);
    }

    [Fact]
    public void IntegerAndDoubleColumnsAreConvertedToSingle()
    {
        var view = Ml.Transforms.SlidingWindow("Window", new[] { "Date", "B" }, windowSize: 1).Fit(Series()).Transform(Series());
        Assert.Equal(new float[] { 100, 10 }, Vectors(view, "Window")[0]);
    }

    [Fact]
    public void NonFiniteValueIsAnErrorNamingRowAndColumn()
    {
        var input = Series(8, i => i == 4 ? float.NaN : i + 1);
        var view = Ml.Transforms.SlidingWindow("Window", new[] { "B", "A" }, windowSize: 2).Fit(input).Transform(input);
        var e = Assert.Throws<InvalidOperationException>(() => Vectors(view, "Window"));
        Assert.Contains("'A'", e.Message);
        Assert.Contains("row 4", e.Message);
        Assert.Contains(nameof(SlidingWindowEstimator.Options.SkipNonFiniteWindows), e.Message);
    }

    [Fact]
    public void SkipNonFiniteWindowsSkipsTheWindowsAndLabelsThatContainIt()
    {
        // A = 1, 2, 3, 4, NaN, 6, 7, 8, 9, 10; T = 2, h = 1: windows ending at rows 0..8 (labels rows 1..9).
        var input = Series(10, i => i == 4 ? float.NaN : i + 1);
        var view = Windows(new() { InputColumnNames = new[] { "A" }, WindowSize = 2, SkipNonFiniteWindows = true }, input);
        var windows = Vectors(view, "Window");
        // Ends 1 ([1,2]->3), 2 ([2,3]->4), 3 has label NaN (skip), 4 and 5 contain NaN (skip), 6 ([6,7]->8), 7, 8.
        Assert.Equal(new[] { new float[] { 1, 2 }, new float[] { 2, 3 }, new float[] { 6, 7 }, new float[] { 7, 8 }, new float[] { 8, 9 } }, windows);
        Assert.Equal(new float[] { 3, 4, 8, 9, 10 }, Scalars<float>(view, "Label"));
    }

    [Fact]
    public void TooShortSeriesSaysHowManyRowsAreNeeded()
    {
        var input = Series(4);
        var e = Assert.Throws<InvalidOperationException>(() => Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 3, horizon: 2).Fit(input));
        Assert.Contains("at least 5 rows", e.Message);
        Assert.Contains("'A'", e.Message);

        // The transformer says the same when it meets a short series after fitting.
        var transformer = Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 3, horizon: 2).Fit(Series());
        var e2 = Assert.Throws<InvalidOperationException>(() => Vectors(transformer.Transform(input), "Window"));
        Assert.Contains("at least 5 rows", e2.Message);
    }

    [Fact]
    public void MissingColumnIsAnErrorNamingIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.SlidingWindow("Window", new[] { "A", "Missing" }, 3).Fit(Series()));
        Assert.Contains("'Missing'", e.Message);
        var shape = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.Transforms.SlidingWindow("Window", new[] { "Missing" }, 3).GetOutputSchema(SchemaShapeOf(Series())));
        Assert.Contains("'Missing'", shape.Message);
    }

    [Fact]
    public void NonNumericColumnIsAnErrorNamingIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.SlidingWindow("Window", new[] { "A", "Name" }, 3).Fit(Series()));
        Assert.Contains("'Name'", e.Message);
        Assert.Contains("numeric", e.Message);
    }

    private sealed class WrongWindow
    {
        [VectorType(5)]
        public float[] Window { get; set; } = new float[5];
    }

    [Fact]
    public void WrongWindowVectorSizeIsAnErrorNamingIt()
    {
        var transformer = Ml.Transforms.SlidingWindow("Window", new[] { "A", "B" }, 3).Fit(Series());
        var wrong = Ml.Data.LoadFromEnumerable(new[] { new WrongWindow() });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(wrong.Schema));
        Assert.Contains("'Window'", e.Message);
        Assert.Contains("6 values", e.Message);
    }

    [Theory]
    [InlineData(0, 1, 1, "WindowSize")]
    [InlineData(3, 0, 1, "Horizon")]
    [InlineData(3, 1, 0, "Stride")]
    public void InvalidSizesAreErrorsNamingTheParameter(int windowSize, int horizon, int stride, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize, horizon, stride: stride));
        Assert.Equal(name, e.ParamName);
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void TargetMustBeAnInputColumn()
    {
        var e = Assert.Throws<ArgumentException>(() => Ml.Transforms.SlidingWindow("Window", new[] { "A" }, 3, targetColumnName: "B"));
        Assert.Contains("'B'", e.Message);
    }

    [Fact]
    public void EstimatorSchemaPropagationWorksInAChain()
    {
        var pipeline = Ml.Transforms.SlidingWindow("Window", new[] { "A", "B" }, 3, horizon: 2)
            .Append(Ml.Transforms.NormalizeWindows("Window"));
        var shape = pipeline.GetOutputSchema(SchemaShapeOf(Series()));
        var names = shape.Select(c => c.Name).ToArray();
        Assert.Contains("Window", names);
        Assert.Contains("WindowShift", names);
        Assert.Contains("LabelNormalized", names);
        var model = pipeline.Fit(Series());
        Assert.Equal(4, Vectors(model.Transform(Series()), "LabelNormalized").Count);
    }

    [Theory]
    [InlineData(8, 3, 1, 1, false)]
    [InlineData(8, 3, 1, 1, true)]
    [InlineData(8, 3, 2, 1, false)]
    [InlineData(8, 3, 2, 2, false)]
    [InlineData(9, 3, 2, 2, true)]
    [InlineData(10, 4, 1, 3, false)]
    [InlineData(10, 4, 3, 3, true)]
    [InlineData(5, 4, 1, 1, false)]
    [InlineData(4, 4, 1, 1, true)]
    public void RowCountIsExactWhenTheInputCountIsKnown(int n, int t, int h, int stride, bool trailing)
    {
        var input = Series(n);
        Assert.Equal(n, input.GetRowCount());
        var view = Windows(new() { InputColumnNames = new[] { "A", "B" }, WindowSize = t, Horizon = h, Stride = stride, IncludeUnlabeledTrailingWindows = trailing }, input);
        long rows = 0;
        using (var cursor = view.GetRowCursor(view.Schema))
        {
            while (cursor.MoveNext())
                rows++;
        }
        Assert.Equal(rows, view.GetRowCount());
        // NormalizeWindows passes the count through.
        var normalized = Ml.Transforms.NormalizeWindows("Window").Fit(view).Transform(view);
        Assert.Equal(rows, normalized.GetRowCount());
    }

    [Fact]
    public void RowCountIsUnknownWhenWindowsMayBeSkippedOrTheInputIsTooShort()
    {
        var skipping = Windows(new() { InputColumnNames = new[] { "A" }, WindowSize = 3, SkipNonFiniteWindows = true });
        Assert.Null(skipping.GetRowCount());
        var fitted = Ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options { InputColumnNames = new[] { "A" }, WindowSize = 3 }).Fit(Series());
        Assert.Null(fitted.Transform(Series(3)).GetRowCount());
    }

    private static SchemaShape SchemaShapeOf(IDataView view) => WindowTestUtil.ShapeOf(view);

    [Fact]
    public void MillionRowSeriesStreamsWithoutHoldingTheSeries()
    {
        const int n = 1_000_000, t = 10, f = 2;
        var source = new GeneratorDataView(n, f, (i, c) => (float)Math.Sin(0.001 * i + c));
        var transformer = Ml.Transforms.SlidingWindow("Window", new[] { "X0", "X1" }, t).Fit(source);
        var view = transformer.Transform(source);
        Assert.Null(view.GetRowCount());
        Assert.False(view.CanShuffle);
        Assert.Single(view.GetRowCursorSet(view.Schema, 4));

        using var cursor = view.GetRowCursor(new[] { view.Schema["Window"], view.Schema["Label"] });
        var window = cursor.GetGetter<VBuffer<float>>(view.Schema["Window"]);
        var label = cursor.GetGetter<float>(view.Schema["Label"]);
        VBuffer<float> buffer = default;
        float y = 0;
        double checksum = 0;
        long rows = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (cursor.MoveNext())
        {
            window(ref buffer);
            label(ref y);
            checksum += buffer.GetValues()[t * f - 1] + y;
            rows++;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(n - t, rows);
        Assert.True(double.IsFinite(checksum));
        long seriesBytes = (long)n * t * f * sizeof(float);
        Assert.True(allocated < seriesBytes / 20, $"allocated {allocated} bytes while draining; the windows take {seriesBytes}");
    }
}
