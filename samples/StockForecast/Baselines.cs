using Microsoft.ML;
using Microsoft.ML.Data;

namespace StockForecast;

/// <summary>
/// The model's test error next to persistence ("tomorrow = today") and seasonal naive (the value one season ago) on
/// the same test rows and steps.
/// </summary>
internal static class Baselines
{
    /// <summary>
    /// Prints the mean absolute error of the model, persistence and seasonal naive over every scored test window and
    /// step, and the model's MASE against each. <paramref name="target"/> holds the whole series; the scored window i
    /// labels rows <paramref name="firstLabelRow"/> + i .. + horizon - 1.
    /// </summary>
    public static void Print(IDataView scored, float[] target, int firstLabelRow, int season, string modelName)
    {
        var scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
        double model = 0, persistence = 0, seasonal = 0;
        int count = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            int origin = firstLabelRow + i;
            for (int k = 0; k < scores[i].Length && origin + k < target.Length; k++, count++)
            {
                float actual = target[origin + k];
                model += Math.Abs(actual - scores[i][k]);
                persistence += Math.Abs(actual - target[origin - 1]);
                seasonal += Math.Abs(actual - target[origin - season + k % season]);
            }
        }
        (model, persistence, seasonal) = (model / count, persistence / count, seasonal / count);
        Console.WriteLine($"Test MAE over {scores.Length} windows ({count} forecasts), lower is better:");
        Console.WriteLine($"  {modelName,-28} {model,10:F2}   MASE vs persistence {model / persistence:F3}, vs seasonal naive {model / seasonal:F3}");
        Console.WriteLine($"  {"persistence",-28} {persistence,10:F2}");
        Console.WriteLine($"  {$"seasonal naive (m = {season})",-28} {seasonal,10:F2}");
    }
}
