using Microsoft.ML;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm;

// Reading the input series of SeriesForecaster (through SeriesReader), and the one place that decides whether a
// series is long enough.
public sealed partial class SeriesForecaster
{
    private const string ForecastingFix = " Fill or drop missing values before forecasting.";

    /// <summary>
    /// Reads every series of <paramref name="data"/> (one series with key <c>""</c> when the model has no series key):
    /// the F feature columns and the C known-future covariates, as Single. A key with fewer than
    /// <paramref name="minimumRows"/> rows, a key that reappears, or a non-finite value is an error naming it.
    /// </summary>
    private List<KeyedSeries> ReadKeyedSeries(IDataView data, int minimumRows)
    {
        var table = Read(data, Windowing.SeriesColumnName, "data");
        return table.Spans.Select(span => ToSeries(table, span, minimumRows, bySeries: true)).ToList();
    }

    /// <summary>
    /// Reads the one series of <paramref name="series"/> for a single-series method: on a model with a series key,
    /// data that holds more than one key is an error naming the key column and the <c>...BySeries</c> methods (its
    /// windows would run across the series' boundaries); data without the key column is one series. A model with
    /// known-future covariates is refused.
    /// </summary>
    private KeyedSeries ReadOneSeries(IDataView series, int minimumRows, string method)
    {
        if (Windowing.FutureColumnName is not null)
        {
            throw new InvalidOperationException(
                $"The model reads known-future covariates (column '{Windowing.FutureColumnName}' from {string.Join(", ", Windowing.FutureCovariateColumnNames ?? Array.Empty<string>())}), " +
                $"which {method} does not supply. Use the ...BySeries methods (e.g. ForecastBySeries), which fill it from the data and from the values you pass for the steps past its end.");
        }
        // Without the key column in the data, its rows are one series (and the model gets no key, as before keys existed).
        string? key = Windowing.SeriesColumnName is { } name && Guard.NotNull(series, nameof(series)).Schema.GetColumnOrNull(name) is not null ? name : null;
        var table = Read(series, key, nameof(series));
        if (table.Spans.Count > 1)
        {
            var keys = table.Spans.Take(3).Select(s => $"'{s.Key}'");
            throw new ArgumentException(
                $"SeriesForecaster.{method} forecasts one series, but the data holds {table.Spans.Count} series of the model's key column " +
                $"'{Windowing.SeriesColumnName}' ({string.Join(", ", keys)}{(table.Spans.Count > 3 ? ", ..." : "")}), and its windows would run across " +
                $"their boundaries. Use {method}BySeries (or the other ...BySeries methods: ForecastBySeries, PredictPointByPointBySeries, " +
                "PredictMultipleSequencesBySeries, PredictFullSequenceBySeries), which keep each key's windows apart, or pass the rows of one key.",
                nameof(series));
        }
        return ToSeries(table, table.Spans[0], minimumRows, bySeries: false);
    }

    private SeriesTable Read(IDataView data, string? keyColumnName, string parameterName)
    {
        var names = Windowing.FeatureColumnNames.Concat(Windowing.FutureCovariateColumnNames ?? Array.Empty<string>()).ToArray();
        return SeriesReader.Read(Guard.NotNull(data, parameterName), names, keyColumnName, parameterName);
    }

    /// <summary>
    /// One series of the table, checked: long enough (<see cref="CheckLength"/>) and, by the forecaster's NaN rule,
    /// finite in every column of every row (each row may feed a window).
    /// </summary>
    private KeyedSeries ToSeries(SeriesTable table, SeriesSpan span, int minimumRows, bool bySeries)
    {
        CheckLength(span, minimumRows, bySeries);
        table.RequireFinite(span, (0, span.Length), Enumerable.Range(0, table.ColumnNames.Length), "." + ForecastingFix);
        var rows = table.RowsOf(span);
        return new KeyedSeries(span.ForecastKey, rows.Select(r => r[..F]).ToArray(), rows.Select(r => r[F..]).ToArray(), table.KeyType);
    }

    /// <summary>The one rule for a series that is too short: fewer than <paramref name="minimumRows"/> rows is an error naming it.</summary>
    private void CheckLength(SeriesSpan span, int minimumRows, bool bySeries)
    {
        if (span.Length >= minimumRows)
            return;
        throw bySeries
            ? new ArgumentException(
                $"Series '{span.ForecastKey}' has {span.Length} row(s); this needs at least {minimumRows} (window size {T}). Give it more rows or leave it out.", "data")
            : new ArgumentException(
                $"The series has {span.Length} row(s); this needs at least {minimumRows} (window size {T}).", "series");
    }
}
