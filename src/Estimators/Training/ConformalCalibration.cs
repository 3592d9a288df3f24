using Microsoft.ML.Runtime;
using TorchSharp;

namespace MLNet.Lstm.Training;

/// <summary>
/// Stage 3b of a fit with <c>ConformalLevel</c>: scores the held-out calibration windows with the final
/// weights and stores the conformal width of each step (<see cref="ConformalQuantile.Widths"/>) in the weights, so
/// that the ONNX export writes the bounds. For a seed ensemble every member scores the calibration windows
/// (<see cref="Predict"/>) and the widths come from the members' average, the prediction the model's graph makes.
/// </summary>
internal static class ConformalCalibration
{
    /// <summary>One member's predictions <c>[n, h·q]</c> on the calibration windows and their labels <c>[n, h]</c>.</summary>
    internal sealed record Predictions(float[] Values, float[] Labels, int Count);

    /// <summary>
    /// The calibration windows scored by <paramref name="weights"/> (loaded into the setup's network), or null
    /// without <c>ConformalLevel</c>.
    /// </summary>
    public static Predictions? Predict(LstmTrainingSetup setup, LstmNetworkWeights weights, LstmForecastingTrainer.Options o)
    {
        if (o.ConformalLevel is null || setup.XCalibration is not { } x || setup.YCalibration is not { } y)
            return null;
        var predictions = Score(setup, weights, x, setup.FCalibration, o);
        float[] labels;
        using (var scope = torch.NewDisposeScope())
            labels = y.cpu().contiguous().data<float>().ToArray();
        return new Predictions(predictions, labels, (int)x.shape[0]);
    }

    /// <summary>
    /// The windows <paramref name="x"/> (with their <paramref name="future"/> covariates) scored by
    /// <paramref name="weights"/> loaded into the setup's network: the network's outputs <c>[n, h·q]</c>, normalised.
    /// </summary>
    public static float[] Score(LstmTrainingSetup setup, LstmNetworkWeights weights, torch.Tensor x, torch.Tensor? future, LstmForecastingTrainer.Options o)
    {
        setup.Network.SetWeights(weights);
        int n = (int)x.shape[0], h = setup.Shape.Horizon, q = weights.Interval.QuantileCount;
        var predictions = new float[n * h * q];
        int batch = Math.Max(o.BatchSize, 256);
        for (int start = 0; start < n; start += batch)
        {
            using var scope = torch.NewDisposeScope();
            int count = Math.Min(batch, n - start);
            var f = future?.narrow(0, start, count).to(setup.Dev);
            var p = setup.Network.ForwardForEvaluation(x.narrow(0, start, count).to(setup.Dev), f).cpu().contiguous();
            Array.Copy(p.data<float>().ToArray(), 0, predictions, (long)start * h * q, (long)count * h * q);
        }
        return predictions;
    }

    /// <summary>
    /// <paramref name="weights"/> (a single network or an ensemble) with the conformal widths of the members' averaged
    /// calibration predictions; unchanged without <c>ConformalLevel</c>.
    /// </summary>
    public static LstmNetworkWeights Calibrate(LstmNetworkWeights weights, IReadOnlyList<Predictions?> members, LstmForecastingTrainer.Options o, IChannel? log)
    {
        if (o.ConformalLevel is not float level || members.Count == 0 || members.Any(m => m is null))
            return weights;
        var first = members[0]!;
        var mean = new float[first.Values.Length];
        foreach (var m in members)
        {
            for (int i = 0; i < mean.Length; i++)
                mean[i] += m!.Values[i];
        }
        for (int i = 0; i < mean.Length; i++)
            mean[i] /= members.Count;
        int h = weights.Horizon, q = weights.Interval.QuantileCount;
        var widths = ConformalQuantile.Widths(mean, first.Labels, first.Count, h, q, level);
        log?.Info(MessageSensitivity.None,
            $"Conformal calibration on {first.Count} windows at level {level}" + (members.Count > 1 ? $" (average of {members.Count} members)" : "") +
            $": widths (normalised units) [{string.Join(", ", widths.Select(w => w.ToString("G4")))}].");
        return weights.With(weights.Interval with { ConformalLevel = level, ConformalWidths = widths });
    }
}
