using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>
/// The single-series methods of <see cref="SeriesForecaster"/> on a keyed model: data of several keys is refused (its
/// windows would run across the keys' boundaries), data of one key or without the key column is one series. The model
/// scores the mean of its window, so a window that mixed two series would show it.
/// </summary>
public class KeyedSingleSeriesTests
{
    private const int T = 4;

    private sealed class Row
    {
        public string K { get; set; } = "";
        public float X { get; set; }
    }

    private sealed class XOnly
    {
        public float X { get; set; }
    }

    public sealed class MeanIn
    {
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    public sealed class MeanOut
    {
        public float Score { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static float[] Level(int n, float level) => Enumerable.Range(0, n).Select(i => level + (i % 3)).ToArray();

    private static IDataView Data(params (string Key, float[] X)[] series)
        => Ml.Data.LoadFromEnumerable(series.SelectMany(s => s.X.Select(x => new Row { K = s.Key, X = x })).ToArray());

    /// <summary>SlidingWindow(X; key K; T 4) then Score = the window's mean, fitted on <paramref name="data"/>.</summary>
    internal static SeriesForecaster MeanModel(IDataView data, string key = "K")
    {
        var input = SchemaDefinition.Create(typeof(MeanIn));
        input["Window"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, T, 1);
        var model = Ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: T, seriesColumnName: key)
            .Append(Ml.Transforms.CustomMapping<MeanIn, MeanOut>((i, o) => o.Score = i.Window.Average(), null, input))
            .Fit(data);
        return SeriesForecaster.Create(model);
    }

    [Fact]
    public void ForecastOverTwoKeysIsRefusedNamingTheKeyColumnAndTheBySeriesMethods()
    {
        // The reproducer: series A, 40 rows around 100, then S, 3 rows at 5000. The last window of the table would be
        // A's last row plus S's three rows, a forecast of about 3775 for neither series.
        var a = Level(40, 100);
        var data = Data(("A", a), ("S", new[] { 5000f, 5000, 5000 }));
        using var forecaster = MeanModel(Data(("A", a)));
        var error = Assert.Throws<ArgumentException>(() => forecaster.Forecast(data, 3));
        Assert.Contains("SeriesForecaster.Forecast forecasts one series", error.Message);
        Assert.Contains("2 series of the model's key column 'K' ('A', 'S')", error.Message);
        Assert.Contains("ForecastBySeries", error.Message);
        Assert.Contains("PredictPointByPointBySeries", error.Message);
        Assert.Equal("series", error.ParamName);
        foreach (var call in new Action[]
        {
            () => forecaster.PredictMultipleSequences(data, 2),
            () => forecaster.PredictFullSequence(data),
            () => forecaster.PredictPointByPoint(data),
        })
        {
            var e = Assert.Throws<ArgumentException>(call);
            Assert.Contains("'K'", e.Message);
            Assert.Contains("BySeries", e.Message);
        }

        // One key's rows are one series: the forecast is A's own (mean of its last 4 values, fed back).
        var alone = forecaster.Forecast(Data(("A", a)), 1).Segments.Single().Values.Single();
        Assert.Equal(a[^T..].Average(), alone, 4);
        // Without the key column the rows are one series too (as before keys existed).
        var unkeyed = Ml.Data.LoadFromEnumerable(a.Select(x => new XOnly { X = x }).ToArray());
        Assert.Equal(alone, forecaster.Forecast(unkeyed, 1).Segments.Single().Values.Single());
        // The ...BySeries method forecasts S, whose 3 rows are shorter than a window, from them left-padded with its first row.
        var bySeries = forecaster.ForecastBySeries(data, 3);
        Assert.Equal(1, bySeries["S"].PaddedRows);
        Assert.Equal(new[] { 5000f, 5000f, 5000f }, bySeries["S"].Segments.Single().Values);
        Assert.Equal(0, bySeries["A"].PaddedRows);
    }

    [Fact]
    public void PointByPointOverTwoKeysIsRefusedAndBySeriesNeverStraddlesTheBoundary()
    {
        var a = Level(20, 100);
        var b = Level(15, 700);
        var data = Data(("A", a), ("B", b));
        using var forecaster = MeanModel(data);
        var error = Assert.Throws<ArgumentException>(() => forecaster.PredictPointByPoint(data));
        Assert.Contains("SeriesForecaster.PredictPointByPoint forecasts one series", error.Message);
        Assert.Contains("PredictPointByPointBySeries", error.Message);

        // Per key, every window lies inside the key: A has 20 - 4 + 1 windows, B 15 - 4 + 1, each scored as its own mean
        // (the 7 windows that would straddle the boundary of the concatenated series do not exist).
        var result = forecaster.PredictPointByPointBySeries(data);
        foreach (var (key, x) in new[] { ("A", a), ("B", b) })
        {
            var segments = result[key].Segments;
            Assert.Equal(x.Length - T + 1, segments.Count);
            for (int i = 0; i < segments.Count; i++)
            {
                Assert.Equal(i + T, segments[i].StartRow);
                Assert.Equal(x[i..(i + T)].Average(), segments[i].Values.Single(), 4);
            }
            // The single-series method on the key's own rows gives the same values.
            var single = forecaster.PredictPointByPoint(Data((key, x)));
            Assert.Equal(segments.Select(s => s.Values.Single()), single.Segments.Select(s => s.Values.Single()));
        }
    }
}
