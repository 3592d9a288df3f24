using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Evaluation;

public class ForecastingEvaluatorTests
{
    private sealed class ScalarRow
    {
        public float Label { get; set; }
        public float Score { get; set; }
        public float Last { get; set; }
    }

    private sealed class VectorRow
    {
        [VectorType(2)] public float[] Label { get; set; } = Array.Empty<float>();
        [VectorType(2)] public float[] Score { get; set; } = Array.Empty<float>();
        public float Last { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 0);

    private static IDataView Scalars(params (float label, float score, float last)[] rows) =>
        Ml.Data.LoadFromEnumerable(rows.Select(r => new ScalarRow { Label = r.label, Score = r.score, Last = r.last }).ToArray());

    [Fact]
    public void MetricsMatchHandComputation()
    {
        // labels 2, 4, 5; scores 1, 5, 5; last values 1, 2, 4.
        var data = Scalars((2, 1, 1), (4, 5, 2), (5, 5, 4));
        var m = Ml.Forecasting.Evaluate(data, persistenceColumnName: "Last");

        // model errors: 1, -1, 0
        Assert.Equal(3, m.Count);
        Assert.Equal(2.0 / 3, m.MeanAbsoluteError, 12);
        Assert.Equal(2.0 / 3, m.MeanSquaredError, 12);
        Assert.Equal(Math.Sqrt(2.0 / 3), m.RootMeanSquaredError, 12);
        Assert.Equal(100 * (1.0 / 2 + 1.0 / 4 + 0) / 3, m.MeanAbsolutePercentageError, 10);
        Assert.Equal(100 * (2.0 * 1 / 3 + 2.0 * 1 / 9 + 0) / 3, m.SymmetricMeanAbsolutePercentageError, 10);
        // mean label 11/3; SST = (2-11/3)^2 + (4-11/3)^2 + (5-11/3)^2 = 14/3; R2 = 1 - 2 / (14/3)
        Assert.Equal(1 - 2 / (14.0 / 3), m.RSquared, 12);

        // persistence errors: 1, 2, 1
        Assert.NotNull(m.Persistence);
        Assert.Equal(4.0 / 3, m.Persistence!.MeanAbsoluteError, 12);
        Assert.Equal(Math.Sqrt(6.0 / 3), m.Persistence.RootMeanSquaredError, 12);
        Assert.Equal((2.0 / 3) / (4.0 / 3), m.MeanAbsoluteScaledError!.Value, 12);
        Assert.Single(m.PerStep);
        Assert.Contains("MASE", m.ToString());
    }

    [Fact]
    public void PersistenceScoredAgainstItselfHasMaseOne()
    {
        var data = Scalars((2, 1, 1), (4, 2, 2), (5, 4, 4), (3, 5, 5));
        var m = Ml.Forecasting.Evaluate(data, persistenceColumnName: "Last");
        Assert.Equal(1.0, m.MeanAbsoluteScaledError!.Value, 12);
        Assert.Equal(m.Persistence!.RootMeanSquaredError, m.RootMeanSquaredError, 12);
    }

    [Fact]
    public void NanLabelsAreSkipped()
    {
        var withNan = Scalars((2, 1, 1), (float.NaN, 7, 2), (4, 5, 2), (5, 5, 4), (float.NaN, 9, 5));
        var without = Scalars((2, 1, 1), (4, 5, 2), (5, 5, 4));
        var a = Ml.Forecasting.Evaluate(withNan, persistenceColumnName: "Last");
        var b = Ml.Forecasting.Evaluate(without, persistenceColumnName: "Last");
        Assert.Equal(3, a.Count);
        Assert.Equal(b.MeanSquaredError, a.MeanSquaredError, 15);
        Assert.Equal(b.MeanAbsoluteScaledError!.Value, a.MeanAbsoluteScaledError!.Value, 15);
    }

    [Fact]
    public void PerStepMetricsForMultiStepLabels()
    {
        var rows = new[]
        {
            new VectorRow { Label = new[] { 1f, 2f }, Score = new[] { 1f, 4f }, Last = 0f },
            new VectorRow { Label = new[] { 3f, float.NaN }, Score = new[] { 2f, 8f }, Last = 2f },
        };
        var m = Ml.Forecasting.Evaluate(Ml.Data.LoadFromEnumerable(rows), persistenceColumnName: "Last");
        Assert.Equal(2, m.PerStep.Count);
        Assert.Equal(2, m.PerStep[0].Count);
        Assert.Equal(1, m.PerStep[1].Count);
        Assert.Equal(0.5, m.PerStep[0].MeanAbsoluteError, 12);   // |1-1|, |3-2|
        Assert.Equal(2.0, m.PerStep[1].MeanAbsoluteError, 12);   // |2-4|
        Assert.Equal(3, m.Count);
        Assert.Equal(1.0, m.MeanAbsoluteError, 12);              // (0 + 1 + 2) / 3
        Assert.Equal(1.0, m.PersistencePerStep![0].MeanAbsoluteError, 12); // |1-0|, |3-2|
        Assert.Equal(2.0, m.PersistencePerStep[1].MeanAbsoluteError, 12);  // |2-0|
    }

    [Fact]
    public void EmptyInputIsAClearError()
    {
        var empty = Ml.Data.LoadFromEnumerable(Array.Empty<ScalarRow>());
        var ex = Assert.Throws<InvalidOperationException>(() => Ml.Forecasting.Evaluate(empty));
        Assert.Contains("'Label'", ex.Message);
        Assert.Contains("0 row", ex.Message);

        var allNan = Scalars((float.NaN, 1, 1));
        ex = Assert.Throws<InvalidOperationException>(() => Ml.Forecasting.Evaluate(allNan));
        Assert.Contains("none has a known value", ex.Message);
    }

    [Fact]
    public void MissingOrMismatchedColumnsAreClearErrors()
    {
        var data = Scalars((1, 1, 1));
        var missing = Assert.Throws<ArgumentException>(() => Ml.Forecasting.Evaluate(data, scoreColumnName: "Prediction"));
        Assert.Contains("'Prediction'", missing.Message);
        var badPersistence = Assert.Throws<ArgumentException>(() => Ml.Forecasting.Evaluate(data, persistenceColumnName: "Yesterday"));
        Assert.Contains("'Yesterday'", badPersistence.Message);
        var nanScore = Scalars((1, float.NaN, 1));
        var ex = Assert.Throws<InvalidOperationException>(() => Ml.Forecasting.Evaluate(nanScore));
        Assert.Contains("'Score'", ex.Message);
        Assert.Contains("row 0", ex.Message);
    }

    [Fact]
    public void WithoutPersistenceColumnBaselineIsAbsent()
    {
        var m = Ml.Forecasting.Evaluate(Scalars((2, 1, 1), (4, 5, 2)));
        Assert.Null(m.Persistence);
        Assert.Null(m.MeanAbsoluteScaledError);
    }

    private sealed class IntegerLastRow
    {
        public float Label { get; set; }
        public float Score { get; set; }
        public int Last { get; set; }
    }

    [Fact]
    public void AnIntegerPersistenceColumnCounts()
    {
        var rows = new[]
        {
            new IntegerLastRow { Label = 2, Score = 1, Last = 1 },
            new IntegerLastRow { Label = 4, Score = 5, Last = 2 },
            new IntegerLastRow { Label = 5, Score = 5, Last = 4 },
        };
        var m = Ml.Forecasting.Evaluate(Ml.Data.LoadFromEnumerable(rows), persistenceColumnName: "Last");
        Assert.Equal(4.0 / 3, m.Persistence!.MeanAbsoluteError, 12);
        Assert.Equal(0.5, m.MeanAbsoluteScaledError!.Value, 12);
    }
}
