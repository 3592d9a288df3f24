using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Windows;

/// <summary>
/// Issue 10 §3: <see cref="WindowNormalization.SeriesMinMax"/> and <see cref="WindowNormalization.SeriesZScore"/>, with
/// statistics hand-computed on a two-key fixture (T = 2, columns X and Y, target X, horizon 1).
/// </summary>
/// <remarks>
/// Key "a": X = 1..5, Y = 10..50; labelled windows [1,2], [2,3], [3,4] (labels 3, 4, 5), so the windows cover the X
/// values 1,2,3,4, each counted once (min 1, max 4, mean 2.5, population deviation sqrt(1.25)) and Y values 10..40
/// (min 10, max 40, mean 25, deviation sqrt(125)); the label-only value 5 is not covered. Key "b": X = 100,102,104,106
/// and Y = 5 (constant); windows [100,102] and [102,104]: X covers 100,102,104 (min 100, max 104, mean 102, deviation
/// sqrt(8/3)); Y min = mean = 5 with scale 1 (a zero range or deviation).
/// </remarks>
public class SeriesScalingTests
{
    internal sealed class Step
    {
        public string Key { get; set; } = "";
        public float X { get; set; }
        public float Y { get; set; }
    }

    internal static Step[] Fixture() => new[]
    {
        new Step { Key = "a", X = 1, Y = 10 }, new Step { Key = "a", X = 2, Y = 20 }, new Step { Key = "a", X = 3, Y = 30 },
        new Step { Key = "a", X = 4, Y = 40 }, new Step { Key = "a", X = 5, Y = 50 },
        new Step { Key = "b", X = 100, Y = 5 }, new Step { Key = "b", X = 102, Y = 5 }, new Step { Key = "b", X = 104, Y = 5 },
        new Step { Key = "b", X = 106, Y = 5 },
    };

    internal static IEstimator<ITransformer> Pipeline(MLContext ml, WindowNormalization mode, string? seriesColumn = "Key") =>
        ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options
        {
            InputColumnNames = new[] { "X", "Y" },
            WindowSize = 2,
            SeriesColumnName = seriesColumn,
        }).Append(ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { OutputColumnName = "Normalized", InputColumnName = "Window", Mode = mode }));

    private static NormalizeWindowsTransformer Normalizer(ITransformer model) => ((IEnumerable<ITransformer>)model).OfType<NormalizeWindowsTransformer>().Single();

    [Fact]
    public void SeriesMinMaxFitsMinimumAndRangePerKeyAndColumn()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Fixture());
        var model = Pipeline(ml, WindowNormalization.SeriesMinMax).Fit(data);
        var n = Normalizer(model);
        Assert.Equal("Key", n.SeriesColumnName);
        Assert.Equal(new[] { "a", "b" }, n.SeriesKeys);
        var scored = model.Transform(data);
        var shift = Vectors(scored, "NormalizedShift");
        var scale = Vectors(scored, "NormalizedScale");
        Assert.Equal(5, shift.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(new[] { 1f, 10f }, shift[i]);
            Assert.Equal(new[] { 3f, 30f }, scale[i]);
        }
        for (int i = 3; i < 5; i++)
        {
            Assert.Equal(new[] { 100f, 5f }, shift[i]);
            Assert.Equal(new[] { 4f, 1f }, scale[i]); // Y is constant: range 0 becomes scale 1
        }
        var windows = Vectors(scored, "Normalized");
        Assert.Equal(new[] { 0f, 0f, 1f / 3f, 1f / 3f }, windows[0]); // time-major [X0, Y0, X1, Y1]: (1-1)/3, (10-10)/30, (2-1)/3, (20-10)/30
        Assert.Equal(new[] { 0.5f, 0f, 1f, 0f }, windows[4]); // b: (102-100)/4, 5-5, (104-100)/4, 5-5
        var labels = Scalars<float>(scored, "LabelNormalized");
        Assert.Equal(new[] { 2f / 3f, 1f, 4f / 3f, 1f, 1.5f }, labels); // (y - shift[X]) / scale[X], y = 3, 4, 5 | 104, 106
        // The inverse gives label units.
        var raw = Scalars<float>(scored, "Label");
        for (int i = 0; i < labels.Count; i++)
            Assert.Equal(raw[i], NormalizeWindowsTransformer.Denormalize(labels[i], shift[i][0], scale[i][0]), 5);
    }

    [Fact]
    public void SeriesZScoreFitsMeanAndPopulationDeviationPerKeyAndColumn()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Fixture());
        var scored = Pipeline(ml, WindowNormalization.SeriesZScore).Fit(data).Transform(data);
        var shift = Vectors(scored, "NormalizedShift");
        var scale = Vectors(scored, "NormalizedScale");
        Assert.Equal(new[] { 2.5f, 25f }, shift[0]);
        float sa = (float)Math.Sqrt(1.25), sy = (float)Math.Sqrt(125), sb = (float)Math.Sqrt(8.0 / 3);
        Assert.Equal(new[] { sa, sy }, scale[0]);
        Assert.Equal(new[] { 102f, 5f }, shift[4]);
        Assert.Equal(new[] { sb, 1f }, scale[4]);
        Assert.Equal(new[] { (1f - 2.5f) / sa, (10f - 25f) / sy, (2f - 2.5f) / sa, (20f - 25f) / sy }, Vectors(scored, "Normalized")[0]);
        var labels = Scalars<float>(scored, "LabelNormalized");
        Assert.Equal((3f - 2.5f) / sa, labels[0]);
        Assert.Equal((106f - 102f) / sb, labels[4]);
    }

    [Fact]
    public void OneSeriesWithoutAKeyIsOneGroup()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Fixture().Take(5).ToArray());
        var model = Pipeline(ml, WindowNormalization.SeriesMinMax, seriesColumn: null).Fit(data);
        Assert.Null(Normalizer(model).SeriesColumnName);
        Assert.Equal(new[] { "" }, Normalizer(model).SeriesKeys);
        var scored = model.Transform(data);
        Assert.All(Vectors(scored, "NormalizedShift"), s => Assert.Equal(new[] { 1f, 10f }, s));
        Assert.All(Vectors(scored, "NormalizedScale"), s => Assert.Equal(new[] { 3f, 30f }, s));
    }

    [Fact]
    public void AKeyUnseenAtFitTimeIsAnErrorNamingTheKeyAndTheFix()
    {
        var ml = new MLContext(1);
        var model = Pipeline(ml, WindowNormalization.SeriesZScore).Fit(ml.Data.LoadFromEnumerable(Fixture()));
        var other = Fixture().Select(s => new Step { Key = s.Key == "b" ? "c" : s.Key, X = s.X, Y = s.Y }).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => Vectors(model.Transform(ml.Data.LoadFromEnumerable(other)), "Normalized"));
        Assert.Contains("series key 'c' of column 'Key'", e.Message);
        Assert.Contains("fitted keys: 'a', 'b'", e.Message);
        Assert.Contains("Refit the model", e.Message);
    }

    [Fact]
    public void AMissingKeyColumnIsAnErrorAtFitAndAtScoring()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Fixture());
        var windows = Pipeline(ml, WindowNormalization.None).Fit(data).Transform(data);
        var withoutKey = ml.Transforms.DropColumns("Key").Fit(windows).Transform(windows);
        var estimator = ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { InputColumnName = "Window", OutputColumnName = "N2", Mode = WindowNormalization.SeriesMinMax });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(withoutKey));
        Assert.Contains("keyed by column 'Key'", e.Message);
        Assert.Contains("keep the key column", e.Message);

        var fitted = estimator.Fit(windows);
        var s = Assert.Throws<ArgumentOutOfRangeException>(() => fitted.GetOutputSchema(withoutKey.Schema));
        Assert.Contains("series key column 'Key' is not in the input", s.Message);
    }

    private sealed class FlatWindow
    {
        [VectorType(4)]
        public float[] Window { get; set; } = new float[4];
    }

    [Fact]
    public void ANonFiniteTrainingValueIsAnErrorNamingTheRowStepAndColumn()
    {
        // SlidingWindow reports non-finite series values itself; windows made elsewhere reach the fit.
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            new FlatWindow { Window = new[] { 1f, 2f, 3f, 4f } },
            new FlatWindow { Window = new[] { 1f, 2f, 3f, float.PositiveInfinity } },
        });
        var estimator = ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 2, Mode = WindowNormalization.SeriesZScore });
        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(data));
        Assert.Contains("training window at row 1", e.Message);
        Assert.Contains("non-finite value", e.Message);
        Assert.Contains("at step 1 in column 'f1'", e.Message);
        Assert.Contains("clean or impute the series", e.Message);
    }

    [Fact]
    public void AnMlNetKeyTypeKeyIsRefusedWithTheFix()
    {
        var ml = new MLContext(1);
        var raw = ml.Data.LoadFromEnumerable(Fixture());
        var data = ml.Transforms.Conversion.MapValueToKey("Key").Fit(raw).Transform(raw);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Pipeline(ml, WindowNormalization.SeriesMinMax).Fit(data));
        Assert.Contains("series key column 'Key' has type Key<UInt32", e.Message);
        Assert.Contains("MapKeyToValue", e.Message);
    }

    [Fact]
    public void EachCoveredValueCountsOnceWithSlidingWindowsAndEveryStepWithoutTheStrideAnnotation()
    {
        // Series 1, 2, 3, 5 (T = 2, horizon 1): SlidingWindow's windows [1,2] and [2,3] cover 1, 2, 3 (mean 2, deviation
        // sqrt(2/3)); the same two windows made elsewhere, without the WindowStride annotation, count 1, 2, 2, 3 (mean 2,
        // deviation sqrt(1/2)). With stride 2 the windows [1,2] and [3,5] do not overlap: every step counts.
        var ml = new MLContext(1);
        var series = new[] { 1f, 2f, 3f, 5f }.Select(v => new Step { X = v, Y = 0f }).ToArray();
        var data = ml.Data.LoadFromEnumerable(series);
        var slid = Pipeline(ml, WindowNormalization.SeriesZScore, seriesColumn: null).Fit(data).Transform(data);
        Assert.Equal((float)Math.Sqrt(2.0 / 3), Vectors(slid, "NormalizedScale")[0][0]);
        Assert.Equal(2f, Vectors(slid, "NormalizedShift")[0][0]);

        var flat = ml.Data.LoadFromEnumerable(new[] { new FlatWindow { Window = new[] { 1f, 0f, 2f, 0f } }, new FlatWindow { Window = new[] { 2f, 0f, 3f, 0f } } });
        var elsewhere = ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 2, Mode = WindowNormalization.SeriesZScore }).Fit(flat).Transform(flat);
        Assert.Equal((float)Math.Sqrt(0.5), Vectors(elsewhere, "WindowScale")[0][0]);

        var strided = ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options { InputColumnNames = new[] { "X" }, WindowSize = 2, Stride = 2, IncludeUnlabeledTrailingWindows = true })
            .Append(ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { Mode = WindowNormalization.SeriesMinMax, LabelColumnName = "None" }))
            .Fit(data).Transform(data);
        Assert.Equal(new[] { 1f }, Vectors(strided, "WindowShift")[0]);
        Assert.Equal(new[] { 4f }, Vectors(strided, "WindowScale")[0]); // windows [1,2] and [3,5]: range 5 - 1
    }
}
