using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Training;
using Xunit.Abstractions;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary>The fitted transformer's batched scoring against the stock OnnxTransformer it saves as.</summary>
public class LstmTransformerScoringTests
{
    private readonly ITestOutputHelper _log;

    public LstmTransformerScoringTests(ITestOutputHelper log) => _log = log;

    /// <summary>Same columns in the same order: names, types (vector sizes and dimensions), hidden flags, annotations.</summary>
    internal static void AssertSameSchema(DataViewSchema expected, DataViewSchema actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal(e.Name, a.Name);
            Assert.True(e.Type.Equals(a.Type), $"column {i} '{e.Name}': expected type {Describe(e.Type)}, got {Describe(a.Type)}");
            Assert.Equal(e.IsHidden, a.IsHidden);
            Assert.Equal(e.Annotations.Schema.Select(c => (c.Name, c.Type)), a.Annotations.Schema.Select(c => (c.Name, c.Type)));
        }
    }

    private static string Describe(DataViewType type)
        => type is VectorDataViewType v ? $"{type} [{string.Join(", ", v.Dimensions)}]" : $"{type}";

    private static float[][] ScoreColumn(IDataView view) => MLNet.Lstm.Tests.Windows.WindowTestUtil.Vectors(view, "Score").ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void BatchedTransformEqualsTheStockOnnxTransformerChainBitwiseWithTheSameSchema(int horizon)
    {
        const int T = 6, F = 2, N = 2500; // two full batches of 1,024 and a partial one
        var ml = new MLContext(1);
        var net = LstmTestUtil.RandomWeights(7, T, F, horizon, 5, 3);
        var rng = new Random(3);
        var windows = Enumerable.Range(0, N).Select(_ => Enumerable.Range(0, T * F).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray()).ToArray();
        var data = LstmTestUtil.Windows(ml, windows, windows.Select(_ => new float[horizon]).ToArray(), T, F);
        var layout = new LstmScoringLayout("Window", "Label", null, null, null, 0);
        using var model = new LstmForecastingTransformer(LstmOnnxExporter.Export(net, layout), net, layout,
            Array.Empty<LstmEpochResult>(), 0, new LstmTrainingSettings { Dropout = 0 }, data);

        var ours = model.Transform(data);
        var scoreType = (VectorDataViewType)ours.Schema["Score"].Type;
        _log.WriteLine($"h = {horizon}: Score is {Describe(scoreType)}");
        Assert.Equal(horizon, scoreType.Size);
        AssertSameSchema(ours.Schema, model.GetOutputSchema(data.Schema));
        AssertSameSchema(ours.Schema, model.GetRowToRowMapper(data.Schema).OutputSchema);

        // The stock OnnxTransformer over the same graph, directly ...
        using var stream = new MemoryStream(model.GetOnnxModel());
        using var stock = ml.Transforms.ApplyOnnxModel(new[] { "Score" }, new[] { "Window" }, stream).Fit(data);
        var stockView = stock.Transform(data);
        AssertSameSchema(stockView.Schema, ours.Schema);

        // ... and as the stock chain that Model.Save + Model.Load (in a fresh MLContext) give.
        var path = Path.Combine(Path.GetTempPath(), $"lstm-parity-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext().Model.Load(path, out _);
            var parts = loaded is IEnumerable<ITransformer> chain ? chain.ToArray() : new[] { loaded };
            Assert.All(parts, t => Assert.Equal(typeof(Microsoft.ML.Transforms.Onnx.OnnxTransformer), t.GetType()));
            var reloaded = loaded.Transform(data);
            AssertSameSchema(reloaded.Schema, ours.Schema);

            var expected = ScoreColumn(stockView);
            var actual = ScoreColumn(ours);
            var afterLoad = ScoreColumn(reloaded);
            Assert.Equal(N, actual.Length);
            for (int i = 0; i < N; i++)
            {
                // Bitwise: compare the float bit patterns, not a tolerance.
                Assert.Equal(expected[i].Select(BitConverter.SingleToInt32Bits), actual[i].Select(BitConverter.SingleToInt32Bits));
                Assert.Equal(expected[i].Select(BitConverter.SingleToInt32Bits), afterLoad[i].Select(BitConverter.SingleToInt32Bits));
            }
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
