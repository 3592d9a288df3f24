using System.Globalization;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

// Forecasts as a DataFrame, with the timestamps that continue the series' own calendar.
public sealed partial class SeriesForecaster
{
    /// <summary>
    /// Forecasts <paramref name="steps"/> values after the series' last row (of every series, for a keyed model) and
    /// returns them as a <see cref="DataFrame"/>, dated on the series' own calendar.
    /// </summary>
    /// <remarks>
    /// Output columns, in order: for a keyed model the key column (text or <c>Int64</c>), one block of
    /// <paramref name="steps"/> rows per series; <c>Time</c> (<c>DateTime</c>, continuing the series' inferred
    /// calendar, see <see cref="ForecastCalendar"/>) when <paramref name="timeColumnName"/> is given, else <c>Step</c>
    /// (<c>Int32</c>, 1 to <paramref name="steps"/>); <c>Forecast</c> (<c>Single</c>, label units, other inputs held at
    /// their last value); <c>LowerBound</c> and <c>UpperBound</c> when the model outputs them (NaN after the first h
    /// steps). A model with known-future covariates needs <see cref="ForecastBySeries"/>.
    /// </remarks>
    /// <param name="series">The series, in time order (each key's rows contiguous); only each series' last T rows are scored.</param>
    /// <param name="steps">How many steps to forecast (1 to <see cref="MaxForecastSteps"/>).</param>
    /// <param name="timeColumnName">The series' <c>DateTime</c> column, or null to number the steps.</param>
    /// <exception cref="ArgumentException">The time column is missing or not <c>DateTime</c>, or its timestamps are out of
    /// order or irregular (the message names the column, the series and the irregular rows).</exception>
    public DataFrame ForecastFrame(IDataView series, int steps, string? timeColumnName = null)
    {
        Guard.NotNull(series);
        Guard.AtLeast(steps, 1);
        string? key = Windowing.SeriesColumnName;
        // The calendar is inferred before anything is scored, so that irregular timestamps fail fast.
        var dates = timeColumnName is null ? null
            : SeriesTimestamps.Read(series, timeColumnName, key).ToDictionary(
                s => s.Key, s => ForecastCalendar.Infer(s.Value, timeColumnName, key is null ? null : s.Key).Next(s.Value[^1], steps), StringComparer.Ordinal);
        var forecasts = key is null
            ? new Dictionary<string, SeriesPrediction>(StringComparer.Ordinal) { [""] = Forecast(series, steps) }
            : ForecastBySeries(series, steps);
        var bounds = LastWindowBounds(series);
        var keys = forecasts.Keys.ToArray();
        var frame = new DataFrame();
        if (key is not null)
            frame.Columns.Add(KeyColumn(series.Schema[key], keys, steps));
        if (dates is not null)
            frame.Columns.Add(new PrimitiveDataFrameColumn<DateTime>("Time", keys.SelectMany(k => dates[k])));
        else
            frame.Columns.Add(new Int32DataFrameColumn("Step", keys.SelectMany(_ => Enumerable.Range(1, steps))));
        frame.Columns.Add(new SingleDataFrameColumn("Forecast", keys.SelectMany(k => forecasts[k].Segments[0].Values)));
        if (bounds is not null)
        {
            frame.Columns.Add(new SingleDataFrameColumn("LowerBound", keys.SelectMany(k => StepBounds(bounds[k].Lower, steps))));
            frame.Columns.Add(new SingleDataFrameColumn("UpperBound", keys.SelectMany(k => StepBounds(bounds[k].Upper, steps))));
        }
        return frame;
    }

    /// <summary>
    /// <see cref="ForecastFrame(IDataView, int, string?)"/> on a <see cref="DataFrame"/>: a <c>DateTime</c> column of the
    /// frame (e.g. parsed by <c>DataFrame.LoadCsv</c>) gives the <c>Time</c> column.
    /// </summary>
    /// <param name="series">The series, in time order (each key's rows contiguous).</param>
    /// <param name="steps">How many steps to forecast.</param>
    /// <param name="timeColumnName">The frame's <c>DateTime</c> column, or null to number the steps.</param>
    public DataFrame ForecastFrame(DataFrame series, int steps, string? timeColumnName = null)
        => ForecastFrame((IDataView)Guard.NotNull(series), steps, timeColumnName);

    private static IEnumerable<float> StepBounds(float[] bound, int steps) =>
        Enumerable.Range(0, steps).Select(j => j < bound.Length ? bound[j] : float.NaN);

    /// <summary>The key column of a keyed frame: text keys as strings, integer keys as <c>Int64</c>.</summary>
    private static DataFrameColumn KeyColumn(DataViewSchema.Column column, string[] keys, int steps)
    {
        var repeated = keys.SelectMany(k => Enumerable.Repeat(k, steps));
        return column.Type is TextDataViewType
            ? new StringDataFrameColumn(column.Name, repeated)
            : new Int64DataFrameColumn(column.Name, repeated.Select(k => long.Parse(k, NumberStyles.Integer, CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// The model's interval for the h steps after each series' last window, by key, or null when the model outputs no
    /// <c>LowerBound</c> and <c>UpperBound</c> columns. Called after the forecast, which has checked those rows.
    /// </summary>
    private Dictionary<string, (float[] Lower, float[] Upper)>? LastWindowBounds(IDataView series)
    {
        var table = SeriesReader.Read(series, Windowing.FeatureColumnNames, Windowing.SeriesColumnName, nameof(series));
        var windows = table.Spans.Select(span => table.RowsOf(span)[^T..].SelectMany(row => row).ToArray()).ToArray();
        var batch = new WindowBatch(windows)
        {
            Keys = table.KeyType is null ? null : table.Spans.Select(span => span.ForecastKey).ToArray(),
            KeyType = table.KeyType,
        };
        var scored = Scorer.Transform(batch);
        var lower = scored.Schema.GetColumnOrNull(LstmScoringLayout.LowerBoundColumnName);
        var upper = scored.Schema.GetColumnOrNull(LstmScoringLayout.UpperBoundColumnName);
        if (lower is null || upper is null)
            return null;
        var bounds = Scorer.Read(scored, new[] { lower.Value, upper.Value }, batch.Count);
        return table.Spans.Select((span, i) => (span.ForecastKey, i))
            .ToDictionary(x => x.ForecastKey, x => (bounds[0][x.i], bounds[1][x.i]), StringComparer.Ordinal);
    }
}
