using Microsoft.ML;
using Microsoft.ML.Data;

namespace StockForecast;

/// <summary>
/// The forecast of the days after the last row: the point forecast and its 90% band, in price units (empty bounds for
/// a model without a band, e.g. the recommended ForecastByLstm).
/// </summary>
internal sealed record NextDayForecast(float[] Score, float[] LowerBound, float[] UpperBound)
{
    public bool HasBand => LowerBound.Length > 0;

    public bool SameAs(NextDayForecast other) =>
        Score.SequenceEqual(other.Score) && LowerBound.SequenceEqual(other.LowerBound) && UpperBound.SequenceEqual(other.UpperBound);

    public override string ToString() => string.Join(", ", Score.Select((s, k) => HasBand ? $"{s:F2} [{LowerBound[k]:F2}, {UpperBound[k]:F2}]" : $"{s:F2}"));
}

/// <summary>One prediction through a <see cref="PredictionEngine{TSrc, TDst}"/>, as a deployed service would make it.</summary>
internal static class NextDay
{
    private sealed class WindowInput
    {
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    private sealed class PointPrediction
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = Array.Empty<float>();
        public float[] LowerBound { get; set; } = Array.Empty<float>();
        public float[] UpperBound { get; set; } = Array.Empty<float>();
    }

    public static NextDayForecast Predict(MLContext ml, ITransformer model, float[] window, int windowSize, int featureCount, bool hasBand)
    {
        // The window's vector size is known only at run time, so it is declared through a schema definition rather
        // than a [VectorType(...)] attribute.
        var input = SchemaDefinition.Create(typeof(WindowInput));
        input[nameof(WindowInput.Window)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, windowSize * featureCount);
        if (!hasBand)
        {
            using var pointEngine = ml.Model.CreatePredictionEngine<WindowInput, PointPrediction>(model, inputSchemaDefinition: input);
            var point = pointEngine.Predict(new WindowInput { Window = window });
            return new NextDayForecast(point.Score.ToArray(), Array.Empty<float>(), Array.Empty<float>());
        }
        using var engine = ml.Model.CreatePredictionEngine<WindowInput, Prediction>(model, inputSchemaDefinition: input);
        var p = engine.Predict(new WindowInput { Window = window });
        return new NextDayForecast(p.Score.ToArray(), p.LowerBound.ToArray(), p.UpperBound.ToArray());
    }
}
