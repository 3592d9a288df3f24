using System.Globalization;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// One series of the accuracy suite: its file in <c>data/</c>, the column read, and the seasonal period. The same table
/// is in benchmarks/reference/accuracy.R (the R baselines); keep both in step.
/// </summary>
public sealed record AccuracySeries(string Name, string File, string Column, int Period)
{
    /// <summary>The series, in the order of the tables.</summary>
    public static readonly AccuracySeries[] All =
    {
        new("ukdriverdeaths", "ukdriverdeaths.csv", "value", 12),
        new("usaccdeaths", "usaccdeaths.csv", "value", 12),
        new("ukgas", "ukgas.csv", "value", 4),
        new("johnsonjohnson", "johnsonjohnson.csv", "value", 4),
        new("bjsales", "bjsales.csv", "value", 1),
        new("nile", "nile.csv", "value", 1),
        new("dax", "eustockmarkets.csv", "DAX", 1),
    };

    /// <summary>H, the steps of each backtest fold: the seasonal period, 6 for series without seasonality.</summary>
    public int Horizon => Period > 1 ? Period : 6;

    /// <summary>True for the series with a seasonal period above 1.</summary>
    public bool Seasonal => Period > 1;

    /// <summary>Finds a series by name; the error lists the names.</summary>
    public static AccuracySeries Named(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown series '{name}'; series: {string.Join(", ", All.Select(s => s.Name))}");

    /// <summary>Reads the column from <c>{dataDirectory}/{File}</c> (CSV with a header row, one row per period).</summary>
    public double[] Load(string dataDirectory)
    {
        string path = Path.Combine(dataDirectory, File);
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"The accuracy suite's data file '{path}' is missing; rebuild the benchmark project (it copies data/*.csv).", path);
        var lines = System.IO.File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        int column = Array.IndexOf(lines[0].Split(','), Column);
        if (column < 0)
            throw new InvalidDataException($"'{path}' has no column '{Column}' (header: {lines[0]}).");
        var values = new double[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            string cell = lines[i].Split(',')[column];
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i - 1]) || !double.IsFinite(values[i - 1]))
                throw new InvalidDataException($"'{path}' line {i + 1}, column '{Column}': '{cell}' is not a finite number.");
        }
        return values;
    }
}

/// <summary>Which evaluation protocol a set of forecasts follows (docs/accuracy.md).</summary>
public enum AccuracyProtocol
{
    /// <summary>One step ahead from the true history, over the last 20%.</summary>
    OneStep,

    /// <summary>Rolling origin over the last 20%: H steps from every origin whose H steps fit in the series.</summary>
    Backtest,
}

/// <summary>
/// A series split for the suite: the first <see cref="TrainRows"/> = floor(0.8·N) rows fit the models, the rest is
/// forecast. Origins are 0-based indices of the first forecast row.
/// </summary>
public sealed class SeriesSplit
{
    public SeriesSplit(AccuracySeries series, double[] values)
    {
        Series = series;
        Values = values;
        TrainRows = (int)Math.Floor(0.8 * values.Length);
        if (TrainRows <= series.Period || values.Length - TrainRows < series.Horizon)
            throw new ArgumentException($"series '{series.Name}' has {values.Length} rows: too short for period {series.Period} and horizon {series.Horizon}.");
        Scale = AccuracyMetrics.SeasonalNaiveScale(values.AsSpan(0, TrainRows), series.Period);
    }

    public AccuracySeries Series { get; }

    public double[] Values { get; }

    public int Length => Values.Length;

    public int TrainRows { get; }

    /// <summary>The MASE denominator: the in-sample seasonal-naive MAE on the training rows (M4).</summary>
    public double Scale { get; }

    /// <summary>Steps per fold: 1 for one-step, H for the backtest.</summary>
    public int Steps(AccuracyProtocol protocol) => protocol == AccuracyProtocol.OneStep ? 1 : Series.Horizon;

    /// <summary>One-step: every test row, N - n origins. Backtest: n .. N - H, N - H - n + 1 origins.</summary>
    public int[] Origins(AccuracyProtocol protocol) => protocol == AccuracyProtocol.OneStep
        ? Enumerable.Range(TrainRows, Length - TrainRows).ToArray()
        : Enumerable.Range(TrainRows, Length - Series.Horizon - TrainRows + 1).ToArray();
}

/// <summary>One method's forecasts under one protocol: <c>Values[i][h]</c> forecasts row <c>Origins[i] + h</c>.</summary>
public sealed record FoldForecasts(int[] Origins, double[][] Values);
