using Microsoft.ML;
using Microsoft.ML.Data;

namespace StockForecast;

/// <summary>One prediction through a <see cref="PredictionEngine{TSrc, TDst}"/>, as a deployed service would make it.</summary>
internal static class NextDay
{
    private sealed class WindowInput
    {
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    public static float[] Predict(MLContext ml, ITransformer model, float[] window, int windowSize, int featureCount)
    {
        // The window's vector size is known only at run time, so it is declared through a schema definition rather
        // than a [VectorType(...)] attribute.
        var input = SchemaDefinition.Create(typeof(WindowInput));
        input[nameof(WindowInput.Window)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, windowSize * featureCount);
        using var engine = ml.Model.CreatePredictionEngine<WindowInput, Prediction>(model, inputSchemaDefinition: input);
        return engine.Predict(new WindowInput { Window = window }).Score.ToArray();
    }
}
