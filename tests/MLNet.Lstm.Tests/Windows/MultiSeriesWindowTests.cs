using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Windows;

/// <summary>SlidingWindow over several series (SeriesColumnName): hand-computed windows per key.</summary>
public class MultiSeriesWindowTests
{
    internal sealed class Step
    {
        public string Key { get; set; } = "";
        public int Id { get; set; }
        public float A { get; set; }
        public float Month { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    /// <summary>Rows (key, A): a = 1..5, b = 101..104, c = 1001 (one row), d = 10001..10003.</summary>
    internal static Step[] Rows() => new[] { ("a", 5, 1f), ("b", 4, 101f), ("c", 1, 1001f), ("d", 3, 10001f) }
        .SelectMany((s, k) => Enumerable.Range(0, s.Item2).Select(i => new Step { Key = s.Item1, Id = k * 10 + i, A = s.Item3 + i, Month = 100 * k + i }))
        .ToArray();

    private static IDataView View(Step[] rows) => Ml.Data.LoadFromEnumerable(rows);

    private static IDataView Windows(SlidingWindowEstimator.Options options, Step[]? rows = null)
    {
        var input = View(rows ?? Rows());
        return Ml.Transforms.SlidingWindow(options).Fit(input).Transform(input);
    }

    [Fact]
    public void WindowsNeverCrossAKeyAndShortKeysAreSkipped()
    {
        var input = View(Rows());
        var view = Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 2, seriesColumnName: "Key").Fit(input).Transform(input);
        // a (5 rows): 5 - 2 - 1 + 1 = 3 windows; b (4): 2; c (1): none; d (3): 1.
        Assert.Equal(new[] { new float[] { 1, 2 }, new float[] { 2, 3 }, new float[] { 3, 4 }, new float[] { 101, 102 }, new float[] { 102, 103 }, new float[] { 10001, 10002 } },
            Vectors(view, "Window"));
        Assert.Equal(new float[] { 3, 4, 5, 103, 104, 10003 }, Scalars<float>(view, "Label"));
        Assert.Equal(new[] { "a", "a", "a", "b", "b", "d" }, Scalars<ReadOnlyMemory<char>>(view, "Key").Select(k => k.ToString()));
        Assert.Equal(new[] { 1, 2, 3, 11, 12, 31 }, Scalars<int>(view, "Id")); // the window's last row
        Assert.Null(view.GetRowCount()); // depends on each key's length
        Assert.Equal("Key", WindowAnnotations.GetText(view.Schema["Window"], WindowAnnotations.WindowSeriesColumn));
        Assert.Null(WindowAnnotations.GetText(view.Schema["Window"], WindowAnnotations.WindowFutureColumn));
    }

    [Fact]
    public void IntegerKeysHorizonTwoAndStride()
    {
        var view = Windows(new() { InputColumnNames = new[] { "A" }, WindowSize = 1, Horizon = 2, Stride = 2, SeriesColumnName = "Id" },
            new[] { 7, 7, 7, 7, 7, 8, 8, 8 }.Select((k, i) => new Step { Id = k, A = i }).ToArray());
        // key 7 (rows 0..4): ends 0, 2 (end + 2 <= 4); key 8 (rows 5..7): end 0 (5).
        Assert.Equal(new[] { new float[] { 0 }, new float[] { 2 }, new float[] { 5 } }, Vectors(view, "Window"));
        Assert.Equal(new[] { new float[] { 1, 2 }, new float[] { 3, 4 }, new float[] { 6, 7 } }, Vectors(view, "Label"));
    }

    [Fact]
    public void TrailingUnlabelledWindowsArePerKey()
    {
        var view = Windows(new() { InputColumnNames = new[] { "A" }, WindowSize = 2, Horizon = 2, IncludeUnlabeledTrailingWindows = true, SeriesColumnName = "Key" });
        // a: ends 1..4; b: ends 1..3; c: none; d: ends 1..2. Labels past a key's end are NaN, never the next key's values.
        var labels = Vectors(view, "Label");
        Assert.Equal(4 + 3 + 2, labels.Count);
        Assert.Equal(new[] { 3f, 4f }, labels[0]);
        Assert.Equal(new[] { 5f, float.NaN }, labels[2]);
        Assert.Equal(new[] { float.NaN, float.NaN }, labels[3]);
        Assert.Equal(new[] { 103f, 104f }, labels[4]);
        Assert.Equal(new[] { float.NaN, float.NaN }, labels[6]);
        Assert.Equal(new[] { 10003f, float.NaN }, labels[7]);
        Assert.Equal(new[] { 10002f, 10003f }, Vectors(view, "Window")[8]);
    }

    [Fact]
    public void AKeyThatReappearsIsAnErrorNamingTheKeyAndTheRow()
    {
        var rows = Rows();
        var bad = rows.Take(5).Concat(rows.Skip(5).Take(4)).Concat(new[] { new Step { Key = "a", A = 6 } }).ToArray();
        var input = View(bad);
        var estimator = Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 2, seriesColumnName: "Key");
        var transformer = estimator.Fit(input); // Fit reads until the first window only
        var error = Assert.Throws<InvalidOperationException>(() => Vectors(transformer.Transform(input), "Window"));
        Assert.Contains("series key 'a'", error.Message);
        Assert.Contains("row 9", error.Message);
        Assert.Contains("after the rows of key 'b'", error.Message);
    }

    [Fact]
    public void NoKeyLongEnoughIsTooShortAndBadKeyColumnsAreRefused()
    {
        var rows = Rows();
        var error = Assert.Throws<InvalidOperationException>(() => Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 5, seriesColumnName: "Key").Fit(View(rows)));
        Assert.Contains("needs at least 6 rows", error.Message);
        Assert.Contains("the longest series (key column 'Key') has 5", error.Message);

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 2, seriesColumnName: "Nope").Fit(View(rows)));
        Assert.Contains("series key column 'Nope' was not found", missing.Message);
        var real = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.SlidingWindow("Window", new[] { "A" }, windowSize: 2, seriesColumnName: "Month").Fit(View(rows)));
        Assert.Contains("series key column 'Month' has type Single", real.Message);
        Assert.Contains("text or an integer", real.Message);
    }

    [Fact]
    public void FutureHoldsTheCovariatesAtTheLabelStepsTimeMajor()
    {
        var options = new SlidingWindowEstimator.Options
        {
            InputColumnNames = new[] { "A", "Month" }, // a covariate may also be a window input
            WindowSize = 2,
            Horizon = 2,
            SeriesColumnName = "Key",
            FutureCovariateColumnNames = new[] { "Month", "Id" },
            IncludeUnlabeledTrailingWindows = true,
        };
        var view = Windows(options);
        // Schema propagation (EstimatorChain.Fit checks it): the next estimator sees Future.
        var chained = Ml.Transforms.SlidingWindow(options).Append(Ml.Transforms.CopyColumns("FutureCopy", "Future")).Fit(View(Rows())).Transform(View(Rows()));
        Assert.Equal(Vectors(view, "Future"), Vectors(chained, "FutureCopy"));
        var type = (VectorDataViewType)view.Schema["Future"].Type;
        Assert.Equal(new[] { 2, 2 }, type.Dimensions.ToArray()); // [h, C]
        Assert.Equal("Future", WindowAnnotations.GetText(view.Schema["Window"], WindowAnnotations.WindowFutureColumn));
        var future = Vectors(view, "Future");
        Assert.Equal(9, future.Count);
        // key a (Month = 0..4, Id = 0..4), window ending at row 1: steps 2 and 3 → [Month2, Id2, Month3, Id3].
        Assert.Equal(new float[] { 2, 2, 3, 3 }, future[0]);
        Assert.Equal(new float[] { 4, 4, float.NaN, float.NaN }, future[2]); // trailing: past a's end is NaN
        Assert.Equal(new float[] { float.NaN, float.NaN, float.NaN, float.NaN }, future[3]);
        Assert.Equal(new float[] { 102, 12, 103, 13 }, future[4]); // key b: Month = 100.., Id = 10..
        Assert.Equal(new float[] { 302, 32, float.NaN, float.NaN }, future[7]); // key d
    }

    [Fact]
    public void NonFiniteFutureValuesFailOrSkipTheWindow()
    {
        var rows = Enumerable.Range(0, 6).Select(i => new Step { Key = "a", A = i, Month = i == 4 ? float.NaN : i }).ToArray();
        var options = new SlidingWindowEstimator.Options { InputColumnNames = new[] { "A" }, WindowSize = 2, FutureCovariateColumnNames = new[] { "Month" } };
        var error = Assert.Throws<InvalidOperationException>(() => Vectors(Windows(options, rows), "Future"));
        Assert.Contains("future covariate column 'Month' has a non-finite value (NaN) at row 4", error.Message);

        options.SkipNonFiniteWindows = true;
        // Windows end at rows 1..4; the one ending at 3 has its label step (row 4) NaN in Month: skipped.
        Assert.Equal(new[] { new float[] { 2 }, new float[] { 3 }, new float[] { 5 } }, Vectors(Windows(options, rows), "Future"));
    }

    [Fact]
    public void SeriesAndFutureArePersistedAndReloaded()
    {
        var ml = new MLContext(1);
        var rows = Rows();
        var input = ml.Data.LoadFromEnumerable(rows);
        var options = new SlidingWindowEstimator.Options
        {
            InputColumnNames = new[] { "A" },
            WindowSize = 2,
            SeriesColumnName = "Key",
            FutureCovariateColumnNames = new[] { "Month" },
            FutureColumnName = "Known",
        };
        var model = ml.Transforms.SlidingWindow(options).Append(ml.Transforms.NormalizeWindows("Window")).Fit(input);
        // NormalizeWindows keeps the window column's Future and series annotations, and Known passes through.
        var normalized = model.Transform(input).Schema["Window"];
        Assert.Equal("Known", WindowAnnotations.GetText(normalized, WindowAnnotations.WindowFutureColumn));
        Assert.Equal("Key", WindowAnnotations.GetText(normalized, WindowAnnotations.WindowSeriesColumn));
        var path = Path.Combine(Path.GetTempPath(), $"series-windows-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, input.Schema, path);
            var loaded = (TransformerChain<ITransformer>)ml.Forecasting.LoadModel(path);
            var sliding = Assert.IsType<SlidingWindowTransformer>(loaded.First());
            Assert.Equal("Key", sliding.SeriesColumnName);
            Assert.Equal(new[] { "Month" }, sliding.FutureCovariateColumnNames);
            Assert.Equal("Known", sliding.FutureColumnName);
            var windows = sliding.Transform(input);
            Assert.Equal(Vectors(model.Transform(input), "Known"), Vectors(windows, "Known"));
            Assert.Equal(new float[] { 2 }, Vectors(windows, "Known")[0]);

            // Stock reload: the pass-through form; Known passes through.
            var stock = ml.Model.Load(path, out _);
            var reloaded = stock.Transform(windows);
            Assert.Equal(Vectors(model.Transform(input), "Window"), Vectors(reloaded, "Window"));
            Assert.Equal(Vectors(windows, "Known"), Vectors(reloaded, "Known"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
