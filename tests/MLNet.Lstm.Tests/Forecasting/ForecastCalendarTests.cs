using System.Globalization;

namespace MLNet.Lstm.Tests.Forecasting;

/// <summary>The calendar inferred from a series' timestamps and the dates that continue it, against hand-computed dates.</summary>
public class ForecastCalendarTests
{
    private static DateTime D(string text) => DateTime.ParseExact(text, text.Length > 10 ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTime[] Ds(params string[] texts) => texts.Select(D).ToArray();

    private static (ForecastCalendar Calendar, DateTime[] Next) Continue(int steps, params string[] history)
    {
        var times = Ds(history);
        var calendar = ForecastCalendar.Infer(times, "Date", null);
        return (calendar, calendar.Next(times[^1], steps));
    }

    [Fact]
    public void MonthStartsContinueIntoTheNextYear()
    {
        var (calendar, next) = Continue(3, "2024-10-01", "2024-11-01", "2024-12-01");
        Assert.Equal(ForecastCalendarKind.MonthDay, calendar.Kind);
        Assert.Equal("month starts", calendar.ToString());
        Assert.Equal(Ds("2025-01-01", "2025-02-01", "2025-03-01"), next);
    }

    [Fact]
    public void MonthEndsFollowTheLengthOfEachMonth()
    {
        // Dec 31, Jan 31, Feb 29 (leap year): the last day of each month, whatever its number.
        var (calendar, next) = Continue(4, "2023-12-31", "2024-01-31", "2024-02-29");
        Assert.Equal(ForecastCalendarKind.MonthEnd, calendar.Kind);
        Assert.Equal("month ends", calendar.ToString());
        Assert.Equal(Ds("2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30"), next);
    }

    [Fact]
    public void QuartersStartAndEnd()
    {
        var (starts, nextStarts) = Continue(2, "2023-01-01", "2023-04-01", "2023-07-01", "2023-10-01");
        Assert.Equal("quarter starts", starts.ToString());
        Assert.Equal(Ds("2024-01-01", "2024-04-01"), nextStarts);

        var (ends, nextEnds) = Continue(3, "2023-03-31", "2023-06-30", "2023-09-30");
        Assert.Equal("quarter ends", ends.ToString());
        Assert.Equal(Ds("2023-12-31", "2024-03-31", "2024-06-30"), nextEnds);
    }

    [Fact]
    public void YearsContinueOnTheSameDay()
    {
        // 2020 is a leap year, so a fixed step of 366 days would wrongly give 2022-01-02.
        var (calendar, next) = Continue(2, "2020-01-01", "2021-01-01");
        Assert.Equal("year starts", calendar.ToString());
        Assert.Equal(Ds("2022-01-01", "2023-01-01"), next);
    }

    [Fact]
    public void BusinessDaysSkipTheWeekend()
    {
        // Wed 3 .. Thu 11 January 2024, without Sat 6 / Sun 7: the next three are Fri 12, Mon 15, Tue 16.
        var (calendar, next) = Continue(3, "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11");
        Assert.Equal(ForecastCalendarKind.BusinessDays, calendar.Kind);
        Assert.Equal(Ds("2024-01-12", "2024-01-15", "2024-01-16"), next);
    }

    [Fact]
    public void FixedStepsKeepWeekendsAndCrossMidnight()
    {
        // Daily through a weekend and a leap day.
        var (daily, nextDays) = Continue(3, "2024-02-23", "2024-02-24", "2024-02-25", "2024-02-26", "2024-02-27", "2024-02-28");
        Assert.Equal(ForecastCalendarKind.FixedStep, daily.Kind);
        Assert.Equal(TimeSpan.FromDays(1), daily.Step);
        Assert.Equal(Ds("2024-02-29", "2024-03-01", "2024-03-02"), nextDays);

        var (hourly, nextHours) = Continue(3, "2024-03-10 21:00", "2024-03-10 22:00", "2024-03-10 23:00");
        Assert.Equal(TimeSpan.FromHours(1), hourly.Step);
        Assert.Equal(Ds("2024-03-11 00:00", "2024-03-11 01:00", "2024-03-11 02:00"), nextHours);

        var (weekly, nextWeeks) = Continue(2, "2024-12-23", "2024-12-30");
        Assert.Equal(Ds("2025-01-06", "2025-01-13"), nextWeeks);
        Assert.Equal(TimeSpan.FromDays(7), weekly.Step);
    }

    [Fact]
    public void AMissingMonthIsAnErrorNamingTheColumnTheSeriesAndTheRow()
    {
        var times = Ds("2024-01-01", "2024-02-01", "2024-04-01", "2024-05-01");
        var e = Assert.Throws<ArgumentException>(() => ForecastCalendar.Infer(times, "Month", "store 7"));
        Assert.Contains("Column 'Month' (series 'store 7') has irregular timestamps", e.Message);
        Assert.Contains("The closest calendar is month starts, which 1 row(s) break: row 2 (2024-04-01 (Mon) after 2024-02-01 (Thu))", e.Message);
        Assert.Contains("without timeColumnName", e.Message);
    }

    [Fact]
    public void AHolidayInABusinessDaySeriesIsNamed()
    {
        // Mon 1 January 2024 is missing between Fri 29 December and Tue 2 January.
        var times = Ds("2023-12-27", "2023-12-28", "2023-12-29", "2024-01-02", "2024-01-03");
        var e = Assert.Throws<ArgumentException>(() => ForecastCalendar.Infer(times, "Date", null));
        Assert.Contains("Column 'Date' has irregular timestamps", e.Message);
        Assert.Contains("The closest calendar is business days, which 1 row(s) break: row 3 (2024-01-02 (Tue) after 2023-12-29 (Fri))", e.Message);
    }

    [Fact]
    public void AGapInAnHourlySeriesListsEveryIrregularRow()
    {
        var times = Ds("2024-01-01 00:00", "2024-01-01 01:00", "2024-01-01 03:00", "2024-01-01 04:00", "2024-01-01 05:30", "2024-01-01 06:30");
        var e = Assert.Throws<ArgumentException>(() => ForecastCalendar.Infer(times, "Hour", null));
        Assert.Contains("a fixed step of 01:00:00, which 2 row(s) break: row 2 (2024-01-01 03:00:00 after 2024-01-01 01:00:00), row 4 (2024-01-01 05:30:00 after 2024-01-01 04:00:00)", e.Message);
    }

    [Fact]
    public void TimestampsOutOfOrderOrTooFewAreErrors()
    {
        var e = Assert.Throws<ArgumentException>(() => ForecastCalendar.Infer(Ds("2024-01-02", "2024-01-01"), "Date", null));
        Assert.Contains("Column 'Date' is not in increasing time order: row 1 (2024-01-01 (Mon)) is not after row 0 (2024-01-02 (Tue))", e.Message);
        var one = Assert.Throws<ArgumentException>(() => ForecastCalendar.Infer(Ds("2024-01-02"), "Date", "A"));
        Assert.Contains("Column 'Date' (series 'A') has 1 timestamp(s); continuing its calendar needs at least 2", one.Message);
    }
}
