using System.Globalization;

namespace MLNet.Lstm;

/// <summary>
/// The calendar of a series' timestamps, inferred from the timestamps themselves, and the timestamps that continue it
/// past the series' last row (the <c>Time</c> column of <see cref="SeriesForecaster.ForecastFrame(Microsoft.ML.IDataView, int, string?)"/>).
/// </summary>
/// <remarks>
/// Recognised, first match wins: every k months on one day of the month (1 to 28), every k months on the last day,
/// business days (only when a weekend falls between two rows), a fixed step. Timestamps out of order or following
/// none of these are an <see cref="ArgumentException"/> naming the column, the series and the rows. See
/// docs/windows.md, "Forecasting a whole series".
/// </remarks>
internal sealed class ForecastCalendar
{
    private const int RowsListed = 5;

    private ForecastCalendar(ForecastCalendarKind kind, int months = 0, int day = 0, TimeSpan step = default)
    {
        Kind = kind;
        Months = months;
        Day = day;
        Step = step;
    }

    /// <summary>The kind of calendar.</summary>
    public ForecastCalendarKind Kind { get; }

    /// <summary>k, the months between rows of a monthly calendar (0 otherwise).</summary>
    public int Months { get; }

    /// <summary>The day of the month of a <see cref="ForecastCalendarKind.MonthDay"/> calendar (0 otherwise).</summary>
    public int Day { get; }

    /// <summary>The time span between rows of a <see cref="ForecastCalendarKind.FixedStep"/> calendar.</summary>
    public TimeSpan Step { get; }

    /// <summary>The calendar in words, e.g. <c>month starts</c>, <c>quarter ends</c>, <c>a fixed step of 1:00:00</c>.</summary>
    public override string ToString() => Kind switch
    {
        ForecastCalendarKind.MonthDay when Day == 1 => $"{MonthWord()} starts",
        ForecastCalendarKind.MonthDay => $"day {Day} of every {Months} month(s)",
        ForecastCalendarKind.MonthEnd => $"{MonthWord()} ends",
        ForecastCalendarKind.BusinessDays => "business days",
        _ => $"a fixed step of {Step}",
    };

    private string MonthWord() => Months switch { 1 => "month", 3 => "quarter", 12 => "year", _ => $"{Months}-month period" };

    /// <summary>The <paramref name="steps"/> timestamps after <paramref name="last"/> on this calendar (same kind and time of day).</summary>
    public DateTime[] Next(DateTime last, int steps)
    {
        var result = new DateTime[steps];
        var current = last;
        for (int j = 0; j < steps; j++)
        {
            current = Kind switch
            {
                ForecastCalendarKind.MonthDay => last.AddMonths(Months * (j + 1)),
                ForecastCalendarKind.MonthEnd => MonthEndAfter(last, Months * (j + 1)),
                ForecastCalendarKind.BusinessDays => NextBusinessDay(current),
                _ => current + Step,
            };
            result[j] = current;
        }
        return result;
    }

    /// <summary>
    /// Infers the calendar of one series' timestamps (in row order).
    /// </summary>
    /// <param name="times">The series' timestamps, at least two, strictly increasing.</param>
    /// <param name="column">The time column's name, for messages.</param>
    /// <param name="seriesKey">The series' key, for messages; null for a model of one series.</param>
    /// <exception cref="ArgumentException">Fewer than two timestamps, timestamps out of order, or timestamps that follow no
    /// recognised calendar (the message names the column, the series and the first irregular rows).</exception>
    public static ForecastCalendar Infer(IReadOnlyList<DateTime> times, string column, string? seriesKey)
    {
        string series = seriesKey is null ? "" : $" (series '{seriesKey}')";
        if (times.Count < 2)
        {
            throw new ArgumentException(
                $"Column '{column}'{series} has {times.Count} timestamp(s); continuing its calendar needs at least 2. " +
                "Give the series more rows, or call ForecastFrame without timeColumnName to number the steps.", nameof(times));
        }
        for (int i = 1; i < times.Count; i++)
        {
            if (times[i] <= times[i - 1])
            {
                throw new ArgumentException(
                    $"Column '{column}'{series} is not in increasing time order: row {i} ({Show(times[i])}) is not after row {i - 1} ({Show(times[i - 1])}). " +
                    "Sort the series by time (each series' rows contiguous) and remove duplicate timestamps.", nameof(times));
            }
        }
        var candidates = new[] { Monthly(times), BusinessDays(times), Fixed(times) }.Where(c => c.Calendar is not null).ToArray();
        var fit = candidates.FirstOrDefault(c => c.Irregular.Count == 0);
        if (fit.Calendar is not null)
            return fit.Calendar;
        var closest = candidates.OrderBy(c => c.Irregular.Count).First();
        throw Irregular(times, column, series, closest.Calendar!, closest.Irregular);
    }

    private readonly record struct Candidate(ForecastCalendar? Calendar, IReadOnlyList<int> Irregular);

    /// <summary>Every k months (k the most common month difference) on the most common anchor (a day, or the month's end).</summary>
    private static Candidate Monthly(IReadOnlyList<DateTime> times)
    {
        int k = MostCommon(Enumerable.Range(1, times.Count - 1).Select(i => MonthIndex(times[i]) - MonthIndex(times[i - 1])));
        if (k < 1)
            return default;
        int ends = times.Count(IsMonthEnd);
        int day = MostCommon(times.Select(t => t.Day));
        int dayCount = times.Count(t => t.Day == day);
        var timeOfDay = times[0].TimeOfDay;
        bool byEnd = ends > dayCount || (ends == dayCount && day > 28);
        if (!byEnd && day > 28)
            return default;
        var calendar = byEnd ? new ForecastCalendar(ForecastCalendarKind.MonthEnd, months: k) : new ForecastCalendar(ForecastCalendarKind.MonthDay, months: k, day: day);
        bool OnAnchor(DateTime t) => t.TimeOfDay == timeOfDay && (byEnd ? IsMonthEnd(t) : t.Day == day);
        var irregular = Enumerable.Range(0, times.Count)
            .Where(i => !OnAnchor(times[i]) || (i > 0 && MonthIndex(times[i]) - MonthIndex(times[i - 1]) != k)).ToList();
        return new Candidate(calendar, irregular);
    }

    /// <summary>Weekdays, each row the next weekday, at one time of day; a candidate only when the series skips a weekend.</summary>
    private static Candidate BusinessDays(IReadOnlyList<DateTime> times)
    {
        if (!Enumerable.Range(1, times.Count - 1).Any(i => SkipsWeekend(times[i - 1], times[i])))
            return default;
        var irregular = Enumerable.Range(0, times.Count)
            .Where(i => IsWeekend(times[i]) || (i > 0 && times[i] != NextBusinessDay(times[i - 1]))).ToList();
        return new Candidate(new ForecastCalendar(ForecastCalendarKind.BusinessDays), irregular);
    }

    /// <summary>The most common time span between rows.</summary>
    private static Candidate Fixed(IReadOnlyList<DateTime> times)
    {
        var step = MostCommon(Enumerable.Range(1, times.Count - 1).Select(i => times[i] - times[i - 1]));
        var irregular = Enumerable.Range(1, times.Count - 1).Where(i => times[i] - times[i - 1] != step).ToList();
        return new Candidate(new ForecastCalendar(ForecastCalendarKind.FixedStep, step: step), irregular);
    }

    private static ArgumentException Irregular(IReadOnlyList<DateTime> times, string column, string series, ForecastCalendar closest, IReadOnlyList<int> rows)
    {
        var listed = rows.Take(RowsListed).Select(i => i == 0 ? $"row 0 ({Show(times[0])})" : $"row {i} ({Show(times[i])} after {Show(times[i - 1])})");
        string more = rows.Count > RowsListed ? $" and {rows.Count - RowsListed} more" : "";
        return new ArgumentException(
            $"Column '{column}'{series} has irregular timestamps, so the forecast's dates cannot continue its calendar. " +
            $"The closest calendar is {closest}, which {rows.Count} row(s) break: {string.Join(", ", listed)}{more}. " +
            "ForecastFrame continues month starts or ends, quarters, years, business days (Monday to Friday, no missing weekday) " +
            "or a fixed step. Fill the missing rows (or resample the series to one of these calendars), or call ForecastFrame " +
            "without timeColumnName to number the steps 1, 2, ...", "series");
    }

    private static T MostCommon<T>(IEnumerable<T> values) where T : notnull =>
        values.GroupBy(v => v).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;

    private static int MonthIndex(DateTime t) => t.Year * 12 + t.Month - 1;

    private static bool IsMonthEnd(DateTime t) => t.Day == DateTime.DaysInMonth(t.Year, t.Month);

    private static bool IsWeekend(DateTime t) => t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    /// <summary>Whether a Saturday or a Sunday lies strictly between the days of two timestamps.</summary>
    private static bool SkipsWeekend(DateTime previous, DateTime current)
    {
        int between = (current.Date - previous.Date).Days - 1;
        return between >= 5 || Enumerable.Range(1, Math.Max(0, between)).Any(d => IsWeekend(previous.Date.AddDays(d)));
    }

    private static DateTime MonthEndAfter(DateTime last, int months)
    {
        var first = new DateTime(last.Year, last.Month, 1, 0, 0, 0, last.Kind).AddMonths(months);
        return first.AddDays(DateTime.DaysInMonth(first.Year, first.Month) - 1) + last.TimeOfDay;
    }

    private static DateTime NextBusinessDay(DateTime t)
    {
        var next = t.AddDays(1);
        while (IsWeekend(next))
            next = next.AddDays(1);
        return next;
    }

    private static string Show(DateTime t) =>
        t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd (ddd)" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
