using Microsoft.Data.Analysis;
using Microsoft.ML;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

// The folds of a backtest as one long DataFrame, one row per fold and step.
public sealed partial class BacktestResult
{
    /// <summary>
    /// The folds as a <see cref="DataFrame"/>, one row per fold and forecast step, in the order of <see cref="Folds"/>.
    /// </summary>
    /// <remarks>
    /// Columns: the series key (under the name of the pipeline's <see cref="SeriesWindowing.SeriesColumnName"/>, as text)
    /// for a keyed backtest; <c>Origin</c> (<c>Int32</c>, the fold's first forecast row, <see cref="BacktestFold.Start"/>,
    /// within its series); <c>Step</c> (<c>Int32</c>, 1 to the backtest's horizon: step k forecasts row
    /// <c>Origin + k - 1</c>); <c>Forecast</c>, <c>Actual</c> (<c>Single</c>, label units); <c>LowerBound</c> and
    /// <c>UpperBound</c> (<c>Single</c>) when the folds have bounds. <see cref="ToDataFrame(IDataView, string)"/> adds
    /// the forecast rows' timestamps.
    /// </remarks>
    public DataFrame ToDataFrame() => Frame(times: null);

    /// <summary>
    /// <see cref="ToDataFrame()"/> with a <c>Time</c> column (<c>DateTime</c>, after <c>Step</c>): the timestamp of each
    /// forecast row, read from the series the backtest ran on.
    /// </summary>
    /// <param name="series">The series given to the backtest (same rows, same order).</param>
    /// <param name="timeColumnName">Its <c>DateTime</c> column.</param>
    /// <exception cref="ArgumentException">The column is missing or not <c>DateTime</c>, or a fold's row is outside the series
    /// (not the series the backtest ran on).</exception>
    public DataFrame ToDataFrame(IDataView series, string timeColumnName)
    {
        Guard.NotNull(series);
        Guard.NotNullOrEmpty(timeColumnName);
        var times = SeriesTimestamps.Read(series, timeColumnName, Windowing.SeriesColumnName).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        return Frame(times);
    }

    private DataFrame Frame(IReadOnlyDictionary<string, DateTime[]>? times)
    {
        var rows = Folds.SelectMany(f => Enumerable.Range(0, f.Forecast.Length).Select(j => (Fold: f, Step: j))).ToArray();
        var frame = new DataFrame();
        if (Windowing.SeriesColumnName is { } key)
            frame.Columns.Add(new StringDataFrameColumn(key, rows.Select(r => r.Fold.SeriesKey ?? "")));
        frame.Columns.Add(new Int32DataFrameColumn("Origin", rows.Select(r => r.Fold.Start)));
        frame.Columns.Add(new Int32DataFrameColumn("Step", rows.Select(r => r.Step + 1)));
        if (times is not null)
            frame.Columns.Add(new PrimitiveDataFrameColumn<DateTime>("Time", rows.Select(r => TimeOf(times, r.Fold, r.Step))));
        frame.Columns.Add(new SingleDataFrameColumn("Forecast", rows.Select(r => r.Fold.Forecast[r.Step])));
        frame.Columns.Add(new SingleDataFrameColumn("Actual", rows.Select(r => r.Fold.Actual[r.Step])));
        if (Folds.Any(f => f.LowerBound is not null && f.UpperBound is not null))
        {
            frame.Columns.Add(new SingleDataFrameColumn("LowerBound", rows.Select(r => r.Fold.LowerBound?[r.Step] ?? float.NaN)));
            frame.Columns.Add(new SingleDataFrameColumn("UpperBound", rows.Select(r => r.Fold.UpperBound?[r.Step] ?? float.NaN)));
        }
        return frame;
    }

    private static DateTime TimeOf(IReadOnlyDictionary<string, DateTime[]> times, BacktestFold fold, int step)
    {
        string key = fold.SeriesKey ?? "";
        int row = fold.Start + step;
        if (!times.TryGetValue(key, out var series) || row >= series.Length)
        {
            throw new ArgumentException(
                $"The backtest forecast row {row}{(fold.SeriesKey is null ? "" : $" of series '{key}'")}, but the series given to ToDataFrame " +
                $"has {(series is null ? "no such series" : $"{series.Length} row(s)")}. Pass the series the backtest ran on.", "series");
        }
        return series[row];
    }
}
