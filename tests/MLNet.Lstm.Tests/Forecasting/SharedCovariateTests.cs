using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>
/// A column that is both a window input and a known-future covariate (SlidingWindow allows it) gets its values past
/// the data's end twice under <see cref="CovariatePolicy.FromCaller"/>: from <c>futureCovariates</c> and from
/// <c>knownFuture</c>. Two different values are an error; equal ones are used. Model: Score = last X + the step's M.
/// </summary>
public class SharedCovariateTests
{
    private sealed class Row
    {
        public string K { get; set; } = "";
        public float X { get; set; }
        public float M { get; set; }
    }

    public sealed class In
    {
        public float[] Window { get; set; } = Array.Empty<float>();
        public float[] Future { get; set; } = Array.Empty<float>();
    }

    public sealed class Out
    {
        public float Score { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static (IDataView Data, SeriesForecaster Forecaster) Setup()
    {
        var rows = new[] { ("a", 1f), ("a", 2), ("a", 3), ("b", 10), ("b", 20), ("b", 30) }
            .Select((r, i) => new Row { K = r.Item1, X = r.Item2, M = i % 3 }).ToArray();
        var data = Ml.Data.LoadFromEnumerable(rows);
        var input = SchemaDefinition.Create(typeof(In));
        input["Window"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 2, 2);
        input["Future"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1, 1);
        var model = Ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options
        {
            InputColumnNames = new[] { "X", "M" },
            WindowSize = 2,
            SeriesColumnName = "K",
            FutureCovariateColumnNames = new[] { "M" },
        }).Append(Ml.Transforms.CustomMapping<In, Out>((i, o) => o.Score = i.Window[2] + i.Future[0], null, input)).Fit(data);
        return (data, SeriesForecaster.Create(model));
    }

    private static Dictionary<string, IReadOnlyList<float[]>> PerKey(Func<float, float[]> row, params (string Key, float[] M)[] series)
        => series.ToDictionary(s => s.Key, s => (IReadOnlyList<float[]>)s.M.Select(row).ToArray());

    [Fact]
    public void TwoDifferentValuesForTheSharedColumnAreAnError()
    {
        var (data, forecaster) = Setup();
        // Rows 3 and 4 of each series (steps 1 and 2 after its end): M = 5, 6 for a; for b the window input says 8 at row 4
        // but the known-future covariate says 9.
        var window = PerKey(m => new[] { float.NaN, m }, ("a", new[] { 5f, 6 }), ("b", new[] { 7f, 8 }));
        var known = PerKey(m => new[] { m }, ("a", new[] { 5f, 6, 0 }), ("b", new[] { 7f, 9, 0 }));
        var error = Assert.Throws<ArgumentException>(() =>
            forecaster.ForecastBySeries(data, 3, CovariatePolicy.FromCaller, window, known));
        Assert.Contains("Column 'M' is both a window input and a known-future covariate", error.Message);
        Assert.Contains("series 'b' gets two values for row 4 (step 2 after its last row)", error.Message);
        Assert.Contains("futureCovariates[\"b\"][1][1] is 8 but knownFuture[\"b\"][1][0] is 9", error.Message);
        Assert.Equal("knownFuture", error.ParamName);

        // With equal values the forecast uses them: a's window [2, 3] (M 1, 2): 3 + M(row 3) = 3 + 5 = 8, then 8 + 6 = 14,
        // then 14 + 0 = 14.
        known["b"] = new[] { new[] { 7f }, new[] { 8f }, new[] { 0f } };
        var result = forecaster.ForecastBySeries(data, 3, CovariatePolicy.FromCaller, window, known);
        Assert.Equal(new[] { 8f, 14, 14 }, result["a"].Segments.Single().Values);
        Assert.Equal(new[] { 37f, 45, 45 }, result["b"].Segments.Single().Values);
        // HoldLastValue fills the window input from the last row, not from futureCovariates: no conflict to check.
        var held = forecaster.ForecastBySeries(data, 2, CovariatePolicy.HoldLastValue, null, PerKey(m => new[] { m }, ("a", new[] { 5f, 6 }), ("b", new[] { 7f, 9 })));
        Assert.Equal(new[] { 8f, 14 }, held["a"].Segments.Single().Values);
    }
}
