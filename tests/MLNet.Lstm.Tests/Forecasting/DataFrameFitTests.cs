using Microsoft.Data.Analysis;
using Microsoft.ML;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Forecasting;

public class DataFrameFitTests
{
    private static LstmForecastingTransformer Fit(IDataView data)
    {
        var ml = new MLContext(seed: 3);
        var pipeline = ml.Transforms.SlidingWindow("Window", new[] { "DAX", "SMI" }, windowSize: 10)
            .Append(ml.Transforms.NormalizeWindows("Window"))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 4 },
                Dropout = 0.1f,
                Epochs = 1,
                BatchSize = 64,
                Seed = 3,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        return pipeline.Fit(data).LastTransformer;
    }

    [Fact]
    public void FitOnADataFrameAndOnATextLoaderGiveIdenticalModels()
    {
        var frame = DataFrame.LoadCsv(DataPath);
        Assert.Equal(typeof(float), frame.Columns["DAX"].DataType);
        using var fromFrame = Fit(frame);
        using var fromLoader = Fit(LoadEuStock(new MLContext()));
        Assert.Equal(fromLoader.GetOnnxModel(), fromFrame.GetOnnxModel());
        Assert.Equal(fromLoader.History.Select(h => h.TrainLoss), fromFrame.History.Select(h => h.TrainLoss));
    }
}
