using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Tests.Windows;

namespace MLNet.Lstm.Tests.Intervals;

/// <summary>
/// Issue 9's acceptance property: on a synthetic series with known Gaussian noise (y = 3·sin(2πt/25) + N(0, 1)), the
/// empirical coverage of a 90% band on 2,000 test windows lies in [0.85, 0.95], for the quantile head and for the
/// conformal point model. Tiny network, few epochs, fixed seeds.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class IntervalCoverageTests
{
    private const int T = 12, TrainRows = 3000, TestWindows = 2000;

    private sealed class Row
    {
        public float X { get; set; }
    }

    private static Row[] Series(int rows, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rows).Select(t =>
        {
            double gaussian = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            return new Row { X = (float)(3 * Math.Sin(2 * Math.PI * t / 25) + gaussian) };
        }).ToArray();
    }

    private static double Coverage(float[]? quantiles, float? conformal, int epochs)
    {
        var ml = new MLContext(seed: 1);
        var rows = Series(TrainRows + TestWindows, seed: 42);
        var train = ml.Data.LoadFromEnumerable(rows[..TrainRows]);
        var test = ml.Data.LoadFromEnumerable(rows[(TrainRows - T)..]);
        var pipeline = ml.Transforms.SlidingWindow("Window", new[] { "X" }, windowSize: T, horizon: 1)
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 8 },
                Dropout = 0,
                Epochs = epochs,
                BatchSize = 64,
                LearningRate = 0.01f,
                Seed = 7,
                Quantiles = quantiles,
                ConformalLevel = conformal,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        using var model = pipeline.Fit(train);
        Assert.Equal(0.9, model.LastTransformer.IntervalLevel!.Value, 6);
        var scored = model.Transform(test);
        var labels = scored.GetColumn<float>("Label").ToArray();
        var lower = WindowTestUtil.Vectors(scored, "LowerBound");
        var upper = WindowTestUtil.Vectors(scored, "UpperBound");
        int n = 0, inside = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (float.IsNaN(labels[i]))
                continue;
            n++;
            if (lower[i][0] <= labels[i] && labels[i] <= upper[i][0])
                inside++;
        }
        Assert.Equal(TestWindows, n);
        Console.WriteLine($"coverage {inside / (double)n:F4} (quantiles {quantiles is not null}, conformal {conformal})");
        return inside / (double)n;
    }

    [Fact]
    public void QuantileHeadCoversNinetyPercent()
    {
        double coverage = Coverage(new[] { 0.05f, 0.95f }, null, epochs: 15);
        Assert.InRange(coverage, 0.85, 0.95);
    }

    [Fact]
    public void ConformalPointModelCoversNinetyPercent()
    {
        double coverage = Coverage(null, 0.9f, epochs: 8);
        Assert.InRange(coverage, 0.85, 0.95);
    }
}
