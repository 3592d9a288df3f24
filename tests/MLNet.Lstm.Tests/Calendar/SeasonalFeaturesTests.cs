using Microsoft.ML;
using Microsoft.ML.Data;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Calendar;

public class SeasonalFeaturesTests
{
    private sealed class Row
    {
        public int Index { get; set; }
        public DateTime Date { get; set; }
    }

    private static IDataView Data(MLContext ml) => ml.Data.LoadFromEnumerable(
        new[] { 0, 1, 3, 12, 13, -1 }.Select((i, r) => new Row { Index = i, Date = new DateTime(2024, 1, 1).AddMonths(i < 0 ? 11 : i) }).ToArray());

    private static void Near(double expected, float actual) => Assert.True(Math.Abs(expected - actual) <= 1e-5, $"{expected} vs {actual}");

    [Fact]
    public void NumericIndexGivesSinCosOfItsPositionModuloThePeriod()
    {
        var ml = new MLContext(1);
        var estimator = ml.Transforms.SeasonalFeatures("Month", "Index", period: 12, harmonics: 2);
        Assert.Equal(new[] { "MonthSin1", "MonthCos1", "MonthSin2", "MonthCos2" }, estimator.OutputColumnNames);
        var view = estimator.Fit(Data(ml)).Transform(Data(ml));
        Assert.Equal(NumberDataViewType.Single, view.Schema["MonthSin1"].Type);
        var sin1 = Scalars<float>(view, "MonthSin1");
        var cos2 = Scalars<float>(view, "MonthCos2");
        // positions 0, 1, 3, 0 (12 mod 12), 1 (13 mod 12), 11 (-1 mod 12).
        double[] positions = { 0, 1, 3, 0, 1, 11 };
        for (int i = 0; i < positions.Length; i++)
        {
            Near(Math.Sin(2 * Math.PI * positions[i] / 12), sin1[i]);
            Near(Math.Cos(2 * 2 * Math.PI * positions[i] / 12), cos2[i]);
        }
        Near(1, sin1[2]); // 3 months into 12: a quarter turn
        Assert.False(view.Schema.GetColumnOrNull("Month.seasonal_position") is { IsHidden: false });
    }

    [Fact]
    public void DateTimeGivesTheCalendarPosition()
    {
        var ml = new MLContext(1);
        var view = ml.Transforms.SeasonalFeatures("M", "Date", period: 12).Fit(Data(ml)).Transform(Data(ml));
        var sin = Scalars<float>(view, "MSin1");
        var cos = Scalars<float>(view, "MCos1");
        // Dates: Jan, Feb, Apr 2024, Jan, Feb 2025, Dec 2024 → month positions 0, 1, 3, 0, 1, 11.
        double[] positions = { 0, 1, 3, 0, 1, 11 };
        for (int i = 0; i < positions.Length; i++)
        {
            Near(Math.Sin(2 * Math.PI * positions[i] / 12), sin[i]);
            Near(Math.Cos(2 * Math.PI * positions[i] / 12), cos[i]);
        }
        var week = ml.Transforms.SeasonalFeatures("W", "Date", period: 7).Fit(Data(ml)).Transform(Data(ml));
        Near(Math.Sin(2 * Math.PI * 1 / 7), Scalars<float>(week, "WSin1")[0]); // 1 January 2024 was a Monday (Sunday = 0)

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.SeasonalFeatures("M", "Date", period: 10).Fit(Data(ml)));
        Assert.Contains("period 10", error.Message);
        Assert.Contains("12 (month of year)", error.Message);
    }

    [Fact]
    public void NumericSavesAndReloadsWithStockLoadAndDateTimeRefusesToSave()
    {
        var ml = new MLContext(1);
        var data = Data(ml);
        var model = ml.Transforms.SeasonalFeatures("Month", "Index", 12, 2).Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"seasonal-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = ml.Model.Load(path, out _);
            foreach (var name in model.OutputColumnNames)
                Assert.Equal(Scalars<float>(model.Transform(data), name), Scalars<float>(loaded.Transform(data), name));
        }
        finally
        {
            File.Delete(path);
        }
        var dates = ml.Transforms.SeasonalFeatures("M", "Date", 12).Fit(data);
        using var stream = new MemoryStream();
        var error = Assert.Throws<NotSupportedException>(() => ml.Model.Save(dates, data.Schema, stream));
        Assert.Contains("DateTime column 'Date'", error.Message);
        Assert.Contains("before the saved chain", error.Message);
    }
}
