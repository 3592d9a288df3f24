using Microsoft.ML;
using static MLNet.Lstm.Tests.Onnx.SavedModelTestUtil;

namespace MLNet.Lstm.Tests.Seasonal;

/// <summary>A saved seasonal LSTM graph whose seasonal metadata is edited (and re-stamped) is refused with the entry named.</summary>
[Collection(SerialLoadingCollection.Name)]
public class SeasonalMetadataTests
{
    public static TheoryData<string, string?, string[]> Edits => new()
    {
        { "mlnet_lstm.seasonal_input", "Levels", new[] { "'mlnet_lstm.seasonal_input' = 'Levels'", "Differences, LevelsAndDifferences" } },
        { "mlnet_lstm.seasonal_input", "LevelsAndDifferences", new[] { "lstm0_W" } },
        { "mlnet_lstm.seasonal_input", "Standardized", new[] { "'mlnet_lstm.seasonal_input' = 'Standardized'", "Differences, LevelsAndDifferences, StandardizedDifferences" } },
        { "mlnet_lstm.seasonal_input", "StandardizedDifferences", new[] { "'mlnet_lstm.seasonal_input' = 'StandardizedDifferences', but its graph does not standardise" } },
        { "mlnet_lstm.seasonal_input", "3", new[] { "'mlnet_lstm.seasonal_input' = '3'" } },
        { "mlnet_lstm.seasonal_period", "13", new[] { "SeasonalPeriod 13 needs a window of at least 15 steps" } },
        { "mlnet_lstm.seasonal_period", "0", new[] { "'mlnet_lstm.seasonal_period' = '0'" } },
        { "mlnet_lstm.seasonal_period", null, new[] { "no metadata entry 'mlnet_lstm.seasonal_period'" } },
        { "mlnet_lstm.version", "3", new[] { "seasonal networks are version 4" } },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void EditedSeasonalMetadataIsRefused(string key, string? value, string[] fragments)
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 60).Select(i => new Row { X = (float)(100 + 5 * Math.Sin(i * Math.PI / 2) + 0.1 * i) }).ToArray();
        var series = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.SlidingWindow("Window", new[] { "X" }, 12)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 4 }, Dropout = 0, Epochs = 1, SeasonalPeriod = 4, Seed = 1,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            })).Fit(series);
        var path = TempZip("seasonal-metadata");
        try
        {
            ml.Model.Save(model, series.Schema, path);
            Assert.Equal(4, ((IEnumerable<ITransformer>)new MLContext().Forecasting.LoadModel(path)).OfType<LstmForecastingTransformer>().Single().Settings.SeasonalPeriod);
            string entry = GraphEntry(2, windowStep: false);
            EditGraph(path, entry, SetMetadata(key, value));
            var e = Assert.Throws<InvalidDataException>(() => new MLContext().Forecasting.LoadModel(path));
            foreach (var fragment in fragments.Append(entry))
                Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"'{fragment}' is not in the refusal:\n{e}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class Row
    {
        public float X { get; set; }
    }
}
