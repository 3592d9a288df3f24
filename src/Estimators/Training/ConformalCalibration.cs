using Microsoft.ML.Runtime;
using TorchSharp;

namespace MLNet.Lstm.Training;

/// <summary>
/// Stage 3b of a fit with <c>ConformalLevel</c> (issue 9 §2): scores the held-out calibration windows with the final
/// weights and stores the conformal width of each step (<see cref="ConformalQuantile.Widths"/>) in the weights, so
/// that the ONNX export writes the bounds.
/// </summary>
internal static class ConformalCalibration
{
    public static LstmNetworkWeights Calibrate(LstmTrainingSetup setup, LstmNetworkWeights weights, LstmForecastingTrainer.Options o, IChannel? log)
    {
        if (o.ConformalLevel is not float level || setup.XCalibration is not { } x || setup.YCalibration is not { } y)
            return weights;
        setup.Network.SetWeights(weights);
        int n = (int)x.shape[0], h = setup.Shape.Horizon, q = weights.Interval.QuantileCount;
        var predictions = new float[n * h * q];
        int batch = Math.Max(o.BatchSize, 256);
        for (int start = 0; start < n; start += batch)
        {
            using var scope = torch.NewDisposeScope();
            int count = Math.Min(batch, n - start);
            var p = setup.Network.ForwardForEvaluation(x.narrow(0, start, count).to(setup.Dev)).cpu().contiguous();
            Array.Copy(p.data<float>().ToArray(), 0, predictions, (long)start * h * q, (long)count * h * q);
        }
        float[] labels;
        using (var scope = torch.NewDisposeScope())
            labels = y.cpu().contiguous().data<float>().ToArray();
        var widths = ConformalQuantile.Widths(predictions, labels, n, h, q, level);
        log?.Info(MessageSensitivity.None,
            $"Conformal calibration on {n} windows at level {level}: widths (normalised units) [{string.Join(", ", widths.Select(w => w.ToString("G4")))}].");
        return weights.With(weights.Interval with { ConformalLevel = level, ConformalWidths = widths });
    }
}
