using System.Globalization;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using MLNet.Lstm.Tests.Evaluation;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>
/// <see cref="SeriesForecaster.ForecastFrame(IDataView, int, string?)"/> with <see cref="DriftEstimator"/> (score =
/// last value + 2 per step, bounds ∓ 0.5 per step), whose forecasts are known exactly, on hand-computed dates.
/// </summary>
public class ForecastFrameTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private sealed class Row
    {
        public string Store { get; set; } = "";
        public DateTime Date { get; set; }
        public float X { get; set; }
    }

    private static DateTime D(string text) => DateTime.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Row[] Rows(string store, params (string Date, float X)[] rows) =>
        rows.Select(r => new Row { Store = store, Date = D(r.Date), X = r.X }).ToArray();

    /// <summary>Window of 2 rows of X, drift 2 per step, the given horizon; bounds ∓ 0.5·(k + 1) when <paramref name="bounds"/>.</summary>
    private static SeriesForecaster Forecaster(IDataView data, int horizon, bool bounds, string? key = null)
    {
        var window = Ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options
        {
            InputColumnNames = new[] { "X" },
            WindowSize = 2,
            Horizon = horizon,
            SeriesColumnName = key,
        });
        var model = window.Append(new DriftEstimator(2, 1, 0, horizon) { FixedDrift = 2, HalfWidth = bounds ? 0.5f : 0 }).Fit(data);
        return Ml.Forecasting.CreateSeriesForecaster(model);
    }

    private static readonly Row[] Monthly = Rows("", ("2024-09-30", 4), ("2024-10-31", 6), ("2024-11-30", 8), ("2024-12-31", 10));

    [Fact]
    public void MonthEndForecastsHaveDatesAndTheModelsBoundsForItsHorizon()
    {
        var data = Ml.Data.LoadFromEnumerable(Monthly);
        using var forecaster = Forecaster(data, horizon: 2, bounds: true);
        var frame = forecaster.ForecastFrame(data, steps: 3, timeColumnName: "Date");

        Assert.Equal(new[] { "Time", "Forecast", "LowerBound", "UpperBound" }, frame.Columns.Select(c => c.Name));
        Assert.Equal(new[] { D("2025-01-31"), D("2025-02-28"), D("2025-03-31") }, frame.Columns["Time"].Cast<DateTime>());
        // From the last value 10: the direct steps 12 and 14, then the recursion from 14: 16.
        Assert.Equal(new[] { 12f, 14f, 16f }, frame.Columns["Forecast"].Cast<float>());
        // Bounds for the model's 2 direct steps (∓ 0.5, ∓ 1.0); the recursive third step has none.
        Assert.Equal(new[] { 11.5f, 13f, float.NaN }, frame.Columns["LowerBound"].Cast<float>());
        Assert.Equal(new[] { 12.5f, 15f, float.NaN }, frame.Columns["UpperBound"].Cast<float>());
    }

    [Fact]
    public void WithoutATimeColumnTheStepsAreNumbered()
    {
        var data = Ml.Data.LoadFromEnumerable(Monthly);
        using var forecaster = Forecaster(data, horizon: 1, bounds: false);
        var frame = forecaster.ForecastFrame(data, steps: 3);

        Assert.Equal(new[] { "Step", "Forecast" }, frame.Columns.Select(c => c.Name));
        Assert.Equal(new[] { 1, 2, 3 }, frame.Columns["Step"].Cast<int>());
        Assert.Equal(new[] { 12f, 14f, 16f }, frame.Columns["Forecast"].Cast<float>());
    }

    [Fact]
    public void ADataFrameWithADateTimeColumnGivesTheTimeColumn()
    {
        // Business days: Thu 4, Fri 5, Mon 8, Tue 9 January 2024 → Wed 10, Thu 11, Fri 12, Mon 15.
        var df = new DataFrame(
            new PrimitiveDataFrameColumn<DateTime>("Date", new[] { D("2024-01-04"), D("2024-01-05"), D("2024-01-08"), D("2024-01-09") }),
            new SingleDataFrameColumn("X", new[] { 1f, 2f, 3f, 4f }));
        using var forecaster = Forecaster(df, horizon: 1, bounds: false);
        var frame = forecaster.ForecastFrame(df, steps: 4, timeColumnName: "Date");

        Assert.Equal(new[] { D("2024-01-10"), D("2024-01-11"), D("2024-01-12"), D("2024-01-15") }, frame.Columns["Time"].Cast<DateTime>());
        Assert.Equal(new[] { 6f, 8f, 10f, 12f }, frame.Columns["Forecast"].Cast<float>());
    }

    [Fact]
    public void AKeyedModelGivesOneFrameWithTheKeyColumnAndEachSeriesOwnCalendar()
    {
        var rows = Rows("A", ("2024-01-04", 1), ("2024-01-05", 2), ("2024-01-08", 3))                 // business days
            .Concat(Rows("B", ("2023-01-01", 10), ("2023-04-01", 20), ("2023-07-01", 30), ("2023-10-01", 40))) // quarters
            .ToArray();
        var data = Ml.Data.LoadFromEnumerable(rows);
        using var forecaster = Forecaster(data, horizon: 1, bounds: true, key: "Store");
        var frame = forecaster.ForecastFrame(data, steps: 2, timeColumnName: "Date");

        Assert.Equal(new[] { "Store", "Time", "Forecast", "LowerBound", "UpperBound" }, frame.Columns.Select(c => c.Name));
        Assert.Equal(new[] { "A", "A", "B", "B" }, frame.Columns["Store"].Cast<string>());
        Assert.Equal(new[] { D("2024-01-09"), D("2024-01-10"), D("2024-01-01"), D("2024-04-01") }, frame.Columns["Time"].Cast<DateTime>());
        Assert.Equal(new[] { 5f, 7f, 42f, 44f }, frame.Columns["Forecast"].Cast<float>());
        Assert.Equal(new[] { 4.5f, float.NaN, 41.5f, float.NaN }, frame.Columns["LowerBound"].Cast<float>());
    }

    [Fact]
    public void IrregularTimestampsAreAnErrorNamingTheColumnTheSeriesAndTheRows()
    {
        var rows = Rows("A", ("2024-01-01", 1), ("2024-02-01", 2), ("2024-03-01", 3))
            .Concat(Rows("B", ("2024-01-01", 1), ("2024-02-01", 2), ("2024-04-01", 3), ("2024-05-01", 4)))
            .ToArray();
        var data = Ml.Data.LoadFromEnumerable(rows);
        using var forecaster = Forecaster(data, horizon: 1, bounds: false, key: "Store");

        var e = Assert.Throws<ArgumentException>(() => forecaster.ForecastFrame(data, steps: 2, timeColumnName: "Date"));
        Assert.Contains("Column 'Date' (series 'B') has irregular timestamps", e.Message);
        Assert.Contains("row 2 (2024-04-01 (Mon) after 2024-02-01 (Thu))", e.Message);
    }

    [Fact]
    public void ATimeColumnThatIsMissingOrNotADateIsAnError()
    {
        var data = Ml.Data.LoadFromEnumerable(Monthly);
        using var forecaster = Forecaster(data, horizon: 1, bounds: false);
        var missing = Assert.Throws<ArgumentException>(() => forecaster.ForecastFrame(data, 2, "When"));
        Assert.Contains("The series has no time column 'When'. Columns: Store, Date, X", missing.Message);
        var text = Assert.Throws<ArgumentException>(() => forecaster.ForecastFrame(data, 2, "Store"));
        Assert.Contains("The time column 'Store' has type String; it must be DateTime", text.Message);
    }
}
