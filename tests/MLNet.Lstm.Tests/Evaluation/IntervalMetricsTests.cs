using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Evaluation;

/// <summary>Coverage, interval width, interval (Winkler) score and pinball loss against hand computations.</summary>
public class IntervalMetricsTests
{
    private sealed class Row
    {
        public float Label { get; set; }
        public float Score { get; set; }
        public float LowerBound { get; set; }
        public float UpperBound { get; set; }
        [VectorType(2)] public float[] Quantiles { get; set; } = Array.Empty<float>();
    }

    private sealed class RenamedRow
    {
        public float Label { get; set; }
        public float Score { get; set; }
        public float Lo { get; set; }
        public float Hi { get; set; }
    }

    private sealed class StepRow
    {
        [VectorType(2)] public float[] Label { get; set; } = Array.Empty<float>();
        [VectorType(2)] public float[] Score { get; set; } = Array.Empty<float>();
        [VectorType(2)] public float[] LowerBound { get; set; } = Array.Empty<float>();
        [VectorType(2)] public float[] UpperBound { get; set; } = Array.Empty<float>();
    }

    private static readonly MLContext Ml = new(seed: 0);

    // (label, score, lower, upper, q0.1, q0.9): inside; above the upper bound by 0.5; below the lower bound by 0.5.
    private static IDataView Data(float lowerOfFirst = 1) => Ml.Data.LoadFromEnumerable(new[]
    {
        new Row { Label = 2, Score = 2, LowerBound = lowerOfFirst, UpperBound = 3, Quantiles = new[] { 1f, 3f } },
        new Row { Label = 5, Score = 4, LowerBound = 3, UpperBound = 4.5f, Quantiles = new[] { 3f, 4.5f } },
        new Row { Label = 0, Score = 1, LowerBound = 0.5f, UpperBound = 2, Quantiles = new[] { 0.5f, 2f } },
        new Row { Label = float.NaN, Score = 9, LowerBound = 9, UpperBound = 9, Quantiles = new[] { 9f, 9f } },
    });

    [Fact]
    public void CoverageAndWidthAreReadFromTheDefaultBoundColumns()
    {
        var m = Ml.Forecasting.Evaluate(Data());
        Assert.Equal(1.0 / 3, m.Coverage!.Value, 12);             // only the first of 3 labelled rows is inside
        Assert.Equal((2 + 1.5 + 1.5) / 3, m.MeanIntervalWidth!.Value, 12);
        Assert.Null(m.IntervalScore);                              // no nominal level given
        Assert.Null(m.PinballLoss);                                // no quantile levels given
        Assert.Null(m.IntervalLevel);
        Assert.Equal(m.Coverage, m.PerStep[0].Coverage);
    }

    [Fact]
    public void IntervalScoreAtTheGivenLevel()
    {
        var m = Ml.Forecasting.Evaluate(Data(), new ForecastingEvaluator.Options { IntervalLevel = 0.8 });
        // alpha 0.2, 2/alpha = 10: 2; 1.5 + 10 * 0.5; 1.5 + 10 * 0.5
        Assert.Equal((2 + 6.5 + 6.5) / 3, m.IntervalScore!.Value, 10);
        Assert.Equal(0.8, m.IntervalLevel);
        var text = m.ToString();
        Assert.Contains("coverage", text);
        Assert.Contains("(nominal 0.8)", text);
        Assert.Contains("Winkler", text);
    }

    [Fact]
    public void PinballLossWithQuantileLevels()
    {
        var m = Ml.Forecasting.Evaluate(Data(), new ForecastingEvaluator.Options { QuantileLevels = new[] { 0.1f, 0.9f } });
        // row 1 (y 2; q 1, 3): 0.1 * 1 = 0.1, 0.1 * 1 = 0.1 -> 0.1
        // row 2 (y 5; q 3, 4.5): 0.1 * 2 = 0.2, 0.9 * 0.5 = 0.45 -> 0.325
        // row 3 (y 0; q 0.5, 2): 0.9 * 0.5 = 0.45, 0.1 * 2 = 0.2 -> 0.325
        Assert.Equal((0.1 + 0.325 + 0.325) / 3, m.PinballLoss!.Value, 6);
        Assert.Contains("pinball", m.ToString());
    }

    [Fact]
    public void PerStepCoverage()
    {
        var rows = new[]
        {
            new StepRow { Label = new[] { 1f, 5f }, Score = new[] { 1f, 2f }, LowerBound = new[] { 0f, 1f }, UpperBound = new[] { 2f, 3f } },
            new StepRow { Label = new[] { 2f, 2f }, Score = new[] { 2f, 2f }, LowerBound = new[] { 1f, 0f }, UpperBound = new[] { 3f, 4f } },
        };
        var m = Ml.Forecasting.Evaluate(Ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(1.0, m.PerStep[0].Coverage!.Value, 12);
        Assert.Equal(0.5, m.PerStep[1].Coverage!.Value, 12);
        Assert.Equal(0.75, m.Coverage!.Value, 12);
        Assert.Equal(3.0, m.PerStep[1].MeanIntervalWidth!.Value, 12);
    }

    [Fact]
    public void RenamedBoundColumns()
    {
        var data = Ml.Data.LoadFromEnumerable(new[]
        {
            new RenamedRow { Label = 2, Score = 2, Lo = 1, Hi = 3 },
            new RenamedRow { Label = 5, Score = 4, Lo = 3, Hi = 4.5f },
        });
        Assert.Null(Ml.Forecasting.Evaluate(data).Coverage);
        var m = Ml.Forecasting.Evaluate(data, new ForecastingEvaluator.Options { LowerBoundColumnName = "Lo", UpperBoundColumnName = "Hi" });
        Assert.Equal(0.5, m.Coverage!.Value, 12);
    }

    [Fact]
    public void BadIntervalInputsAreClearErrors()
    {
        var data = Data();
        var missing = Assert.Throws<ArgumentException>(() =>
            Ml.Forecasting.Evaluate(data, new ForecastingEvaluator.Options { LowerBoundColumnName = "Lo" }));
        Assert.Contains("'Lo'", missing.Message);

        var plain = Ml.Data.LoadFromEnumerable(new[] { new RenamedRow { Label = 1, Score = 1, Lo = 0, Hi = 2 } });
        var half = Assert.Throws<ArgumentException>(() =>
            Ml.Forecasting.Evaluate(plain, new ForecastingEvaluator.Options { LowerBoundColumnName = "Lo" }));
        Assert.Contains("no upper bound column", half.Message);
        var levelWithoutBounds = Assert.Throws<ArgumentException>(() =>
            Ml.Forecasting.Evaluate(plain, new ForecastingEvaluator.Options { IntervalLevel = 0.9 }));
        Assert.Contains("IntervalLevel is 0.9", levelWithoutBounds.Message);
        var badLevel = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.Forecasting.Evaluate(data, new ForecastingEvaluator.Options { IntervalLevel = 1 }));
        Assert.Contains("IntervalLevel is 1", badLevel.Message);

        var wrongCount = Assert.Throws<ArgumentException>(() =>
            Ml.Forecasting.Evaluate(data, new ForecastingEvaluator.Options { QuantileLevels = new[] { 0.1f, 0.5f, 0.9f } }));
        Assert.Contains("needs 3", wrongCount.Message);
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.Forecasting.Evaluate(data, new ForecastingEvaluator.Options { QuantileLevels = new[] { 0.1f, 1.5f } }));
        Assert.Contains("QuantileLevels [0.1, 1.5]", outside.Message);
        var noQuantiles = Assert.Throws<ArgumentException>(() =>
            Ml.Forecasting.Evaluate(plain, new ForecastingEvaluator.Options { QuantileLevels = new[] { 0.5f } }));
        Assert.Contains("no quantile column", noQuantiles.Message);

        var crossed = Assert.Throws<InvalidOperationException>(() => Ml.Forecasting.Evaluate(Data(lowerOfFirst: 4)));
        Assert.Contains("'LowerBound' is 4, above upper bound column 'UpperBound' (3) at row 0", crossed.Message);
        var nan = Assert.Throws<InvalidOperationException>(() => Ml.Forecasting.Evaluate(Data(lowerOfFirst: float.NaN)));
        Assert.Contains("Lower bound column 'LowerBound' is NaN at row 0", nan.Message);
    }
}
