using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.ML;
using MLNet.Lstm.Interactive;
using MLNet.Lstm.Tests.Evaluation;

namespace MLNet.Lstm.Tests.Interactive;

/// <summary>The HTML that <see cref="LstmFormatters"/> registers with .NET Interactive, on values computed by hand.</summary>
public class LstmFormattersTests
{
    private static readonly MLContext Ml = new(seed: 1);
    private const string Right = "<td style=\"text-align:right\">";

    public LstmFormattersTests() => LstmFormatters.Register();

    private static string Html(object value) => value.ToDisplayString(HtmlFormatter.MimeType);

    private sealed class Scored
    {
        public float Label { get; set; }
        public float Score { get; set; }
        public float Persistence { get; set; }
        public float LowerBound { get; set; }
        public float UpperBound { get; set; }
    }

    [Fact]
    public void MetricsAreATableOfRoundedValuesNextToPersistence()
    {
        // Model errors 1, 2, 3, 0: MAE 1.5, RMSE √3.5 = 1.8708; persistence errors 1, 10, 10, 10: MAE 7.75;
        // MASE 1.5 / 7.75 = 0.19355; MAPE (0.1 + 0.1 + 0.1 + 0) / 4 = 7.5 %; the band holds 3 of 4 labels, width (2+2+4+10)/4 = 4.5.
        var rows = new[]
        {
            new Scored { Label = 10, Score = 11, Persistence = 9, LowerBound = 10, UpperBound = 12 },
            new Scored { Label = 20, Score = 18, Persistence = 10, LowerBound = 19, UpperBound = 21 },
            new Scored { Label = 30, Score = 33, Persistence = 20, LowerBound = 31, UpperBound = 35 },
            new Scored { Label = 40, Score = 40, Persistence = 30, LowerBound = 35, UpperBound = 45 },
        };
        var metrics = Ml.Forecasting.Evaluate(Ml.Data.LoadFromEnumerable(rows),
            new ForecastingEvaluator.Options { PersistenceColumnName = "Persistence", IntervalLevel = 0.9 });
        string html = Html(metrics);

        Assert.StartsWith("<table class=\"mlnet-lstm\"><caption>Forecasting metrics (4 pairs)</caption>", html);
        Assert.Contains("<th>Metric</th><th>Model</th><th>Persistence</th>", html);
        Assert.Contains($"<td>MAE</td>{Right}1.500</td>{Right}7.750</td>", html);
        Assert.Contains($"<td>RMSE</td>{Right}1.871</td>", html);
        Assert.Contains($"<td>MAPE (%)</td>{Right}7.500</td>", html);
        Assert.Contains($"<td>MASE (vs persistence)</td>{Right}0.1935</td>{Right}1</td>", html);
        Assert.Contains($"<td>Coverage (nominal 90.0 %)</td>{Right}75.0 %</td>{Right}–</td>", html);
        Assert.Contains($"<td>Mean interval width</td>{Right}4.500</td>", html);
        Assert.DoesNotContain("null", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\d\.\d{5,}", html); // nothing printed with more than four decimals
    }

    [Fact]
    public void AForecastFrameShowsDatesRoundedNumbersAndADashForAMissingBound()
    {
        var frame = new DataFrame(
            new PrimitiveDataFrameColumn<DateTime>("Time", new[] { new DateTime(2025, 1, 31), new DateTime(2025, 2, 28) }),
            new SingleDataFrameColumn("Forecast", new[] { 5473.7163f, 5480.26f }),
            new SingleDataFrameColumn("LowerBound", new[] { 5401.04f, float.NaN }));
        string html = Html(frame);

        Assert.Contains("<caption>DataFrame: 2 rows, 3 columns</caption>", html);
        Assert.Contains("<th>Time</th><th>Forecast</th><th>LowerBound</th>", html);
        Assert.Contains($"<tr><td>2025-01-31</td>{Right}5,473.7</td>{Right}5,401.0</td></tr>", html);
        Assert.Contains($"<tr><td>2025-02-28</td>{Right}5,480.3</td>{Right}–</td></tr>", html);
    }

    [Fact]
    public void ALongFrameShowsItsFirstAndLastRows()
    {
        var frame = new DataFrame(new Int32DataFrameColumn("Step", Enumerable.Range(1, 50)), new DoubleDataFrameColumn("Forecast", Enumerable.Range(1, 50).Select(i => i / 3.0)));
        string html = Html(frame);

        Assert.Contains($"<tr><td>10</td>{Right}3.333</td></tr>", html);
        Assert.Contains($"<tr><td>… 30 more rows</td>{Right}…</td></tr>", html);
        Assert.Contains($"<tr><td>41</td>{Right}13.67</td></tr>", html);
        Assert.DoesNotContain("<td>11</td>", html);
        Assert.DoesNotContain("<td>40</td>", html);
    }

    [Fact]
    public void TheModelSummaryIsALayerTable()
    {
        var summary = new LstmModelSummary(12, 1, 1, new[] { 8 }, 0f);
        string html = Html(summary);

        // LSTM(1 → 8): 4·8·(1 + 8) weights + 2·4·8 biases = 352 (ONNX keeps both bias vectors); dense 8 → 1: 9.
        Assert.Contains("<p>Input: [N, 12, 1]; horizon 1</p>", html);
        Assert.Contains("<th>Layer (type)</th><th>Output shape</th><th>Param #</th>", html);
        Assert.Contains($"<td>lstm_1 (LSTM)</td>{Right}[N, 8]</td>{Right}{summary.Layers[0].ParameterCount:N0}</td>", html);
        Assert.Contains($"<td>dense (Linear)</td>{Right}[N, 1]</td>{Right}9</td>", html);
        Assert.Contains($"<td>Total params</td>{Right}</td>{Right}{summary.ParameterCount:N0}</td>", html);
        Assert.Equal(summary.Layers[0].ParameterCount + 9, summary.ParameterCount);
    }

    private sealed class Row
    {
        public float X { get; set; }
    }

    [Fact]
    public void ABacktestShowsItsFoldsItsMetricsAndItsRows()
    {
        var data = Ml.Data.LoadFromEnumerable(Enumerable.Range(0, 12).Select(i => new Row { X = i % 3 + i }).ToArray());
        var pipeline = Ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: 2, horizon: 1)
            .Append(new DriftEstimator(2, 1, 0, 1) { FixedDrift = 1 });
        var result = Ml.Forecasting.Backtest(pipeline, data, start: 8);
        string html = Html(result);

        Assert.Contains("<p><b>Backtest</b>: 4 folds, 1 fit(s), direct forecasts</p>", html);
        Assert.Contains($"<caption>Metrics over every step of every fold (4 pairs)</caption>", html);
        Assert.Contains($"<td>MAE</td>{Right}{HtmlNumber.Format(result.Metrics.MeanAbsoluteError)}</td>", html);
        Assert.Contains("<th>Origin</th><th>Step</th><th>Forecast</th><th>Actual</th>", html);
        // Fold at row 8: forecast x[7] + 1 = (1 + 7) + 1 = 9, actual x[8] = 2 + 8 = 10.
        Assert.Contains($"<tr><td>8</td>{Right}1</td>{Right}9</td>{Right}10</td></tr>", html);
    }
}
