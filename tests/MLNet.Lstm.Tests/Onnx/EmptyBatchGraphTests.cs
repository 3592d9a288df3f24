using Microsoft.ML;
using MLNet.Lstm.Tests.Correctness;

namespace MLNet.Lstm.Tests.Onnx;

/// <summary>
/// A batch of 0 windows through every scoring form of a fitted chain: the <c>ExportOnnx</c> graph and the LSTM's own
/// graph run with ONNX Runtime in a child process (ONNX Runtime's recurrent kernels used to abort the whole process with
/// <c>terminate called without an active exception</c> on 0 rows). Each gives an empty <c>Score</c> (and bounds), and
/// 2 rows still score. The saved zip's steps are the same graphs (the LSTM's, and NormalizeWindows' without a
/// recurrent node).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class EmptyBatchGraphTests
{
    public static TheoryData<WindowNormalization, RecurrentCell, bool> Cases() => new()
    {
        { WindowNormalization.ZScore, RecurrentCell.Lstm, false },
        { WindowNormalization.RelativeToFirst, RecurrentCell.Lstm, false },
        { WindowNormalization.None, RecurrentCell.Lstm, false },
        { WindowNormalization.ZScore, RecurrentCell.Gru, false },
        { WindowNormalization.RelativeToFirst, RecurrentCell.Gru, false },
        { WindowNormalization.None, RecurrentCell.Gru, false },
        { WindowNormalization.ZScore, RecurrentCell.Lstm, true }, // seasonal network with a quantile head, two layers
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AnEmptyBatchGivesAnEmptyScoreInEveryScoringForm(WindowNormalization mode, RecurrentCell cell, bool seasonalQuantiles)
    {
        var ml = new MLContext(seed: 1);
        var series = TinyChain.Series(ml);
        var model = ml.Transforms.SlidingWindow("Window", new[] { "A", "B" }, TinyChain.T)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: mode))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                FeatureColumnName = "Window",
                HiddenSizes = seasonalQuantiles ? new[] { 4, 3 } : new[] { 4 },
                Cell = cell,
                SeasonalPeriod = seasonalQuantiles ? 4 : 0,
                Quantiles = seasonalQuantiles ? new[] { 0.1f, 0.9f } : null,
                Dropout = 0,
                Epochs = 1,
                Seed = 1,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }))
            .Fit(series);
        string dir = Directory.CreateTempSubdirectory("empty-batch-").FullName;
        try
        {
            string chain = Path.Combine(dir, "chain.onnx"), lstm = Path.Combine(dir, "lstm.onnx");
            using (var s = File.Create(chain))
                ml.Forecasting.ExportOnnx(model, s);
            using (var s = File.Create(lstm))
                model.LastTransformer.ExportOnnx(s);
            foreach (var graph in new[] { chain, lstm })
            {
                var empty = OnnxChildProcess.Score(graph, 0);
                Assert.True(empty.ExitCode == 0, $"{Path.GetFileName(graph)} on 0 rows: exit code {empty.ExitCode}\n{empty.Output}");
                Assert.Contains("OUTPUT Score [0] \n", empty.Output.Replace("\r", ""));
                if (seasonalQuantiles)
                    Assert.Contains("OUTPUT LowerBound [0] \n", empty.Output.Replace("\r", ""));
                var two = OnnxChildProcess.Score(graph, 2);
                Assert.True(two.ExitCode == 0, two.Output);
                Assert.Contains("OUTPUT Score [2] ", two.Output);
            }

        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
