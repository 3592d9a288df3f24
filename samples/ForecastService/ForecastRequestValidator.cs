using System.Globalization;
using Microsoft.Data.Analysis;
using MLNet.Lstm;

namespace ForecastService;

/// <summary>
/// Checks a <see cref="ForecastRequest"/> against the model's windowing and the service's limits, and turns it into the
/// series a <see cref="SeriesForecaster"/> reads. Every problem is keyed by its field (<c>steps</c>, <c>series</c>,
/// <c>series.SMI</c>, <c>series.DAX[12]</c>) with the fix in the message.
/// </summary>
public static class ForecastRequestValidator
{
    /// <summary>The problems of the request; empty when it can be forecast.</summary>
    public static Dictionary<string, string[]> Validate(ForecastRequest request, SeriesWindowing windowing, int maxSteps)
    {
        var errors = new Dictionary<string, string[]>();
        int steps = request.Steps ?? 1;
        if (steps < 1 || steps > maxSteps)
            errors["steps"] = new[] { $"is {steps}; ask for 1 to {maxSteps} steps (the service's Forecast:MaxSteps)." };
        string columns = string.Join(", ", windowing.FeatureColumnNames);
        if (request.Series is null || request.Series.Count == 0)
        {
            errors["series"] = new[] { $"is missing; send an object of column → values with the model's columns {columns}, e.g. {{\"series\": {{\"{windowing.FeatureColumnNames[0]}\": [..]}}, \"steps\": 5}}." };
            return errors;
        }
        foreach (var extra in request.Series.Keys.Where(k => !windowing.FeatureColumnNames.Contains(k, StringComparer.Ordinal)))
            errors[$"series.{extra}"] = new[] { $"is not a column of the model; send exactly its columns {columns} (names are case-sensitive)." };
        int? length = null;
        string? first = null;
        foreach (var name in windowing.FeatureColumnNames)
        {
            if (!request.Series.TryGetValue(name, out var values) || values is null)
            {
                errors[$"series.{name}"] = new[] { $"is missing; the model needs the columns {columns}, each with at least {windowing.WindowSize} values." };
                continue;
            }
            CheckColumn(errors, name, values, windowing.WindowSize);
            if (length is null)
                (length, first) = (values.Length, name);
            else if (values.Length != length)
                errors[$"series.{name}"] = new[] { $"has {values.Length} values but series.{first} has {length}; send one value per time step in every column." };
        }
        return errors;
    }

    private static void CheckColumn(Dictionary<string, string[]> errors, string name, double?[] values, int windowSize)
    {
        if (values.Length < windowSize)
        {
            errors[$"series.{name}"] = new[] { $"has {values.Length} values; the model's window needs at least {windowSize}, oldest first." };
            return;
        }
        for (int i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v is null || !float.IsFinite((float)v.Value))
            {
                string what = v is null ? "missing (null)" : $"{v.Value.ToString(CultureInfo.InvariantCulture)} (not a finite single-precision number)";
                errors[$"series.{name}[{i}]"] = new[] { $"is {what}; fill or drop missing values and send finite numbers." };
                return;
            }
        }
    }

    /// <summary>The last window of a valid request as a DataFrame (the model's columns in its order).</summary>
    public static DataFrame LastWindow(ForecastRequest request, SeriesWindowing windowing)
    {
        var frame = new DataFrame();
        foreach (var name in windowing.FeatureColumnNames)
        {
            var values = request.Series![name]!;
            frame.Columns.Add(new SingleDataFrameColumn(name, values.Skip(values.Length - windowing.WindowSize).Select(v => (float)v!.Value)));
        }
        return frame;
    }
}
