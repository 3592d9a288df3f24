namespace MLNet.Lstm;

/// <summary>The kinds of calendar <see cref="ForecastCalendar"/> recognises in a series' timestamps.</summary>
internal enum ForecastCalendarKind
{
    /// <summary>Every k months on the same day of the month (1 to 28): month starts, quarters, years, the 15th, ...</summary>
    MonthDay,

    /// <summary>Every k months on the last day of the month: month ends, quarter ends, year ends.</summary>
    MonthEnd,

    /// <summary>Monday to Friday, one row per weekday, weekends skipped.</summary>
    BusinessDays,

    /// <summary>A fixed time span between rows: hourly, daily, weekly, every 15 minutes, ...</summary>
    FixedStep,
}
