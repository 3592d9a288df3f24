using Microsoft.ML;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>
/// The prediction modes against hand-computed expectations, with a model whose behaviour is known exactly:
/// an ONNX graph that returns, from the window's last row (x, c), y1 = x + c and (horizon 2) y2 = x + 2c.
/// </summary>
public class SeriesForecasterTests
{
    private sealed class SeriesRow
    {
        public float X { get; set; }
        public double C { get; set; }   // another numeric type on purpose: converted to Single
        public int Day { get; set; }
    }

    private static readonly float[] Xs = { 0, 5, 2, 7, 1, 9 };
    private static readonly double[] Cs = { 1, 2, 3, 4, 5, 6 };
    private const int T = 2;

    private static (MLContext ml, IDataView series) Series()
    {
        var ml = new MLContext(seed: 0);
        var rows = Xs.Select((x, i) => new SeriesRow { X = x, C = Cs[i], Day = i + 1 }).ToArray();
        return (ml, ml.Data.LoadFromEnumerable(rows));
    }

    /// <summary>Window [N, T*2] → last row (x, c) → Score = [x + c] (h = 1, a Single) or [x + c, x + 2c] (h = 2).</summary>
    internal static byte[] LastRowModel(int horizon)
    {
        var b = new OnnxModelBuilder("known");
        b.AddInput("Window", OnnxElementType.Float, OnnxDim.Batch, T * 2);
        b.AddInt64Vector("shape3", -1, T, 2);
        b.AddInt64Vector("start", T - 1);
        b.AddInt64Vector("end", T);
        b.AddInt64Vector("axis", 1);
        b.AddInt64Vector("shape2", -1, 2);
        var weights = horizon == 1 ? new[] { 1f, 1f } : new[] { 1f, 1f, 1f, 2f };
        b.AddInitializer("W", weights, new long[] { 2, horizon });
        b.AddNode("Reshape", new[] { "Window", "shape3" }, new[] { "w3" });
        b.AddNode("Slice", new[] { "w3", "start", "end", "axis" }, new[] { "last3" });
        b.AddNode("Reshape", new[] { "last3", "shape2" }, new[] { "last" });
        if (horizon == 1)
        {
            b.AddNode("MatMul", new[] { "last", "W" }, new[] { "y" });
            b.AddInt64Vector("flat", -1);
            b.AddNode("Reshape", new[] { "y", "flat" }, new[] { "Score" });
            b.AddOutput("Score", OnnxElementType.Float, OnnxDim.Batch);
        }
        else
        {
            b.AddNode("MatMul", new[] { "last", "W" }, new[] { "Score" });
            b.AddOutput("Score", OnnxElementType.Float, OnnxDim.Batch, horizon);
        }
        return b.Build();
    }

    private static SeriesForecaster Forecaster(MLContext ml, IDataView series, int horizon)
    {
        using var stream = new MemoryStream(LastRowModel(horizon));
        var schemaProbe = ml.Data.LoadFromEnumerable(Array.Empty<WindowOnly>());
        var model = ml.Transforms.ApplyOnnxModel(new[] { "Score" }, new[] { "Window" }, stream).Fit(schemaProbe);
        return new SeriesForecaster(model, new SeriesWindowing("Window", new[] { "X", "C" }, T, 0, horizon));
    }

    private sealed class WindowOnly
    {
        [Microsoft.ML.Data.VectorType(T * 2)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    private static void AssertSegments(SeriesPrediction p, params (int start, float[] values)[] expected)
    {
        Assert.Equal(expected.Length, p.Segments.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].start, p.Segments[i].StartRow);
            Assert.Equal(expected[i].values, p.Segments[i].Values);
        }
    }

    [Fact]
    public void PointByPointPredictsOneStepFromEveryTrueWindow()
    {
        var (ml, series) = Series();
        var p = Forecaster(ml, series, 1).PredictPointByPoint(series);
        AssertSegments(p, (2, new[] { 7f }), (3, new[] { 5f }), (4, new[] { 11f }), (5, new[] { 6f }), (6, new[] { 15f }));
        Assert.Null(p.CovariatePolicy);
        Assert.Equal(Xs, p.Observed);
        Assert.Equal(new[] { float.NaN, float.NaN, 7f, 5f, 11f, 6f }, p.ToRowAligned());
    }

    [Fact]
    public void MultipleSequencesRestartFromTrueWindows()
    {
        var (ml, series) = Series();
        var f = Forecaster(ml, series, 1);
        var hold = f.PredictMultipleSequences(series, predictionLength: 2, CovariatePolicy.HoldLastValue);
        AssertSegments(hold, (2, new[] { 7f, 9f }), (4, new[] { 11f, 15f }));
        Assert.Equal(CovariatePolicy.HoldLastValue, hold.CovariatePolicy);
        var observed = f.PredictMultipleSequences(series, predictionLength: 2, CovariatePolicy.FromCaller);
        AssertSegments(observed, (2, new[] { 7f, 10f }), (4, new[] { 11f, 16f }));
    }

    [Fact]
    public void FullSequenceRecursesFromTheFirstWindow()
    {
        var (ml, series) = Series();
        var f = Forecaster(ml, series, 1);
        AssertSegments(f.PredictFullSequence(series, CovariatePolicy.HoldLastValue), (2, new[] { 7f, 9f, 11f, 13f }));
        AssertSegments(f.PredictFullSequence(series, CovariatePolicy.FromCaller), (2, new[] { 7f, 10f, 14f, 19f }));
    }

    [Fact]
    public void ForecastPastTheEndUsesTheLastWindow()
    {
        var (ml, series) = Series();
        var f = Forecaster(ml, series, 1);
        AssertSegments(f.Forecast(series, 3), (6, new[] { 15f, 21f, 27f }));
        var provided = f.Forecast(series, 3, CovariatePolicy.FromCaller, new[] { new[] { 0f, 10f }, new[] { 0f, 20f } });
        AssertSegments(provided, (6, new[] { 15f, 25f, 45f }));
        var missing = Assert.Throws<ArgumentException>(() => f.Forecast(series, 3, CovariatePolicy.FromCaller));
        Assert.Contains("C", missing.Message);
        Assert.Contains("HoldLastValue", missing.Message);
    }

    [Fact]
    public void HorizonModelsContributeHStepsPerCall()
    {
        var (ml, series) = Series();
        var f = Forecaster(ml, series, 2);
        AssertSegments(f.PredictFullSequence(series, CovariatePolicy.HoldLastValue), (2, new[] { 7f, 9f, 11f, 13f }));
        AssertSegments(f.PredictFullSequence(series, CovariatePolicy.FromCaller), (2, new[] { 7f, 9f, 13f, 17f }));
        // Direct h-step forecast: one call gives both steps.
        AssertSegments(f.Forecast(series, 2), (6, new[] { 15f, 21f }));
    }

    [Fact]
    public void BadSeriesIsAClearError()
    {
        var (ml, series) = Series();
        var f = Forecaster(ml, series, 1);
        var other = ml.Data.LoadFromEnumerable(new[] { new WindowOnly() });
        var ex = Assert.Throws<ArgumentException>(() => f.PredictPointByPoint(other));
        Assert.Contains("'X'", ex.Message);
        var tooShort = ml.Data.LoadFromEnumerable(new[] { new SeriesRow { X = 1, C = 1 } });
        ex = Assert.Throws<ArgumentException>(() => f.Forecast(tooShort, 1));
        Assert.Contains("at least 2", ex.Message);
    }

    [Fact]
    public void ForecasterFromAFittedChainAndFromItsSavedZipAgree()
    {
        var (ml, series) = Series();
        using var stream = new MemoryStream(LastRowModel(1));
        var chain = ml.Transforms.SlidingWindow("Window", new[] { "X", "C" }, windowSize: T)
            .Append(ml.Transforms.ApplyOnnxModel(new[] { "Score" }, new[] { "Window" }, stream))
            .Fit(series);
        var fromChain = ml.Forecasting.CreateSeriesForecaster(chain);
        Assert.Equal(new[] { "X", "C" }, fromChain.Windowing.FeatureColumnNames);
        Assert.Equal(T, fromChain.Windowing.WindowSize);
        AssertSegments(fromChain.Forecast(series, 3), (6, new[] { 15f, 21f, 27f }));

        var path = Path.Combine(Path.GetTempPath(), $"forecaster-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(chain, series.Schema, path);
            using var loaded = new MLContext().Forecasting.LoadSeriesForecaster(path);
            Assert.Equal(fromChain.Windowing.FeatureColumnNames, loaded.Windowing.FeatureColumnNames);
            Assert.Equal(fromChain.Windowing.TargetIndex, loaded.Windowing.TargetIndex);
            var before = fromChain.PredictMultipleSequences(series, 2, CovariatePolicy.FromCaller);
            var after = loaded.PredictMultipleSequences(series, 2, CovariatePolicy.FromCaller);
            Assert.Equal(before.Segments.Select(s => s.Values), after.Segments.Select(s => s.Values));
            AssertSegments(after, (2, new[] { 7f, 10f }), (4, new[] { 11f, 16f }));
        }
        finally
        {
            File.Delete(path);
        }

        var noWindow = Assert.Throws<ArgumentException>(() => ml.Forecasting.CreateSeriesForecaster(chain.LastTransformer));
        Assert.Contains("SlidingWindow", noWindow.Message);
        var missing = Assert.Throws<FileNotFoundException>(() => ml.Forecasting.LoadSeriesForecaster("/nonexistent/model.zip"));
        Assert.Contains("model.zip", missing.Message);
    }
}
