using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Onnx;
using static MLNet.Lstm.Tests.Windows.SeriesScalingTests;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Windows;

/// <summary>
/// Issue 10 §3: the series-level modes computed in C# (fitted, and rebuilt by <c>LoadModel</c>) and by the saved graph
/// (stock <c>mlContext.Model.Load</c>, and the graph alone in ONNX Runtime) agree bit for bit, with text and integer
/// keys; an unseen key is NaN in the stock-loaded graph and an error in C#.
/// </summary>
public class SeriesScalingPersistenceTests
{
    private sealed class IntStep
    {
        public int Key { get; set; }
        public float X { get; set; }
        public float Y { get; set; }
    }

    private static IDataView Data(MLContext ml, bool integerKeys, Func<string, string>? renameKey = null)
    {
        var rows = Fixture().Select(s => new Step { Key = renameKey?.Invoke(s.Key) ?? s.Key, X = s.X, Y = s.Y }).ToArray();
        if (!integerKeys)
            return ml.Data.LoadFromEnumerable(rows);
        return ml.Data.LoadFromEnumerable(rows.Select(s => new IntStep { Key = s.Key switch { "a" => 7, "b" => -3, _ => 11 }, X = s.X, Y = s.Y }).ToArray());
    }

    /// <summary>The bits of a float, every NaN the same (ONNX Runtime and .NET NaNs may differ in sign).</summary>
    private static int Bits(float v) => float.IsNaN(v) ? int.MinValue : BitConverter.SingleToInt32Bits(v);

    private static void Bitwise(List<float[]> expected, List<float[]> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Select(Bits).SequenceEqual(actual[i].Select(Bits)),
                $"{what} row {i}: [{string.Join(", ", expected[i])}] vs [{string.Join(", ", actual[i])}]");
    }

    [Theory]
    [InlineData(WindowNormalization.SeriesMinMax, false)]
    [InlineData(WindowNormalization.SeriesZScore, false)]
    [InlineData(WindowNormalization.SeriesMinMax, true)]
    [InlineData(WindowNormalization.SeriesZScore, true)]
    public void SavedGraphStockLoadAndLoadModelAgreeBitwise(WindowNormalization mode, bool integerKeys)
    {
        var ml = new MLContext(1);
        var data = Data(ml, integerKeys);
        var model = Pipeline(ml, mode).Fit(data);
        var scored = model.Transform(data);
        var windows = ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options { InputColumnNames = new[] { "X", "Y" }, WindowSize = 2, SeriesColumnName = "Key" })
            .Fit(data).Transform(data);
        var path = Path.Combine(Path.GetTempPath(), $"series-scaling-{mode}-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var stock = new MLContext().Model.Load(path, out _).Transform(windows);
            var ours = ml.Forecasting.LoadModel(path);
            var rebuilt = ours.Transform(data);
            var normalizer = ((IEnumerable<ITransformer>)ours).OfType<NormalizeWindowsTransformer>().Single();
            Assert.Equal(mode, normalizer.Mode);
            Assert.Equal(integerKeys ? new[] { "7", "-3" } : new[] { "a", "b" }, normalizer.SeriesKeys);
            foreach (var column in new[] { "Normalized", "NormalizedShift", "NormalizedScale" })
            {
                Bitwise(Vectors(scored, column), Vectors(stock, column), $"stock {column}");
                Bitwise(Vectors(scored, column), Vectors(rebuilt, column), $"LoadModel {column}");
            }
            Assert.Equal(Scalars<float>(scored, "LabelNormalized"), Scalars<float>(rebuilt, "LabelNormalized"));

            // An unseen key: NaN in the stock-loaded graph (documented), an error in this library's transformer.
            var unseen = Data(ml, integerKeys, k => k == "b" ? "c" : k);
            var unseenWindows = ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options { InputColumnNames = new[] { "X", "Y" }, WindowSize = 2, SeriesColumnName = "Key" })
                .Fit(unseen).Transform(unseen);
            var stockUnseen = new MLContext().Model.Load(path, out _).Transform(unseenWindows);
            var normalized = Vectors(stockUnseen, "Normalized");
            Bitwise(Vectors(scored, "Normalized").Take(3).ToList(), normalized.Take(3).ToList(), "stock seen key");
            Assert.All(normalized.Skip(3).Concat(Vectors(stockUnseen, "NormalizedShift").Skip(3)).Concat(Vectors(stockUnseen, "NormalizedScale").Skip(3)),
                v => Assert.All(v, x => Assert.True(float.IsNaN(x))));
            var e = Assert.Throws<InvalidOperationException>(() => Vectors(ours.Transform(unseen), "Normalized"));
            Assert.Contains($"series key '{(integerKeys ? "11" : "c")}' of column 'Key'", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheGraphAloneLooksKeysUpAndGivesNaNForAnUnseenKey()
    {
        var ml = new MLContext(1);
        var data = Data(ml, integerKeys: false);
        var n = ((IEnumerable<ITransformer>)Pipeline(ml, WindowNormalization.SeriesMinMax).Fit(data)).OfType<NormalizeWindowsTransformer>().Single();
        using var session = new InferenceSession(n.BuildOnnx("out"));
        var window = NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(new[] { 1f, 10f, 2f, 20f, 102f, 5f, 104f, 5f, 1f, 1f, 1f, 1f }, new[] { 3, 4 }));
        var key = NamedOnnxValue.CreateFromTensor("Key", new DenseTensor<string>(new[] { "a", "b", "zzz" }, new[] { 3, 1 }));
        using var results = session.Run(new[] { window, key });
        float[] Output(string name) => results.Single(r => r.Name == name).AsEnumerable<float>().ToArray();
        var w = Output("out");
        Assert.Equal(new[] { 0f, 0f, 1f / 3f, 1f / 3f, 0.5f, 0f, 1f, 0f }, w.Take(8));
        Assert.All(w.Skip(8), v => Assert.True(float.IsNaN(v)));
        Assert.Equal(new[] { 1f, 10f, 100f, 5f }, Output("NormalizedShift").Take(4));
        Assert.Equal(new[] { 3f, 30f, 4f, 1f }, Output("NormalizedScale").Take(4));
        Assert.All(Output("NormalizedScale").Skip(4), v => Assert.True(float.IsNaN(v)));
    }

    [Theory]
    [InlineData(WindowNormalization.SeriesMinMax)]
    [InlineData(WindowNormalization.SeriesZScore)]
    public void TheKernelAndTheGraphAgreeOnEdgeCaseWindowsWithAndWithoutKeys(WindowNormalization mode)
    {
        var ml = new MLContext(1);
        var windows = new[]
        {
            new[] { 1f, 10f, 2f, 20f }, new[] { float.NaN, 10f, 2f, 20f }, new[] { 1f, float.PositiveInfinity, 2f, 20f },
            new[] { -3e38f, 0f, 3e38f, 1e-30f }, new[] { 6_123_456.5f, 5f, 6_123_460.25f, 5f },
        };
        foreach (var keyed in new[] { true, false })
        {
            var data = ml.Data.LoadFromEnumerable(keyed ? Fixture() : Fixture().Take(5).ToArray());
            var n = ((IEnumerable<ITransformer>)Pipeline(ml, mode, keyed ? "Key" : null).Fit(data)).OfType<NormalizeWindowsTransformer>().Single();
            using var session = new InferenceSession(n.BuildOnnx("out"));
            var keys = windows.Select((_, i) => i % 2 == 0 ? "a" : "b").ToArray();
            var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor("Window", new DenseTensor<float>(windows.SelectMany(w => w).ToArray(), new[] { windows.Length, 4 })) };
            if (keyed)
                inputs.Add(NamedOnnxValue.CreateFromTensor("Key", new DenseTensor<string>(keys, new[] { keys.Length, 1 })));
            using var results = session.Run(inputs);
            float[] Output(string name) => results.Single(r => r.Name == name).AsEnumerable<float>().ToArray();
            var (graphWindows, graphShift, graphScale) = (Output("out"), Output("NormalizedShift"), Output("NormalizedScale"));
            for (int i = 0; i < windows.Length; i++)
            {
                var window = (float[])windows[i].Clone();
                var shift = new float[2];
                var scale = new float[2];
                Assert.True(n.Series!.TryGetRow(keyed ? keys[i] : "", out var row));
                WindowNormalizer.Normalize(window, 2, 2, mode, shift, scale, row);
                string what = $"{mode} keyed={keyed} window {i}";
                Bitwise(new List<float[]> { window, shift, scale },
                    new List<float[]> { graphWindows[(i * 4)..(i * 4 + 4)], graphShift[(i * 2)..(i * 2 + 2)], graphScale[(i * 2)..(i * 2 + 2)] }, what);
                if (i == 1)
                    Assert.True(float.IsNaN(window[0]) && float.IsNaN(shift[0]) && float.IsNaN(window[2]) && !float.IsNaN(window[1]), what); // a NaN value: its column is NaN
            }
        }
    }

    [Fact]
    public void SeriesForecasterFeedsAnIntegerKeyInTheTrainingType()
    {
        // The stock-loaded graph reads the key as Int32, the type it was fitted on: ForecastBySeries converts its text keys back.
        var ml = new MLContext(1);
        var data = Data(ml, integerKeys: true);
        var pipeline = ml.Transforms.SlidingWindow(new SlidingWindowEstimator.Options { InputColumnNames = new[] { "X", "Y" }, WindowSize = 2, SeriesColumnName = "Key" })
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.SeriesMinMax))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 3 },
                Epochs = 2,
                BatchSize = 4,
                Seed = 3,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        using var fitted = pipeline.Fit(data);
        var path = Path.Combine(Path.GetTempPath(), $"series-scaling-int-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(fitted, data.Schema, path);
            using var before = SeriesForecaster.Create(fitted);
            using var stock = new SeriesForecaster(new MLContext().Model.Load(path, out _), before.Windowing);
            var expected = before.ForecastBySeries(data, 3);
            var actual = stock.ForecastBySeries(data, 3);
            Assert.Equal(new[] { "7", "-3" }, expected.Keys);
            foreach (var key in expected.Keys)
            {
                var e = expected[key].Segments.Single().Values;
                Assert.Equal(3, e.Length);
                Assert.Equal(e.Select(Bits), actual[key].Segments.Single().Values.Select(Bits));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("keys")]
    [InlineData("nan row")]
    [InlineData("version")]
    public void LoadingRefusesAGraphWhoseStatisticsContradictItsMetadata(string edit)
    {
        var ml = new MLContext(1);
        var data = Data(ml, integerKeys: false);
        var n = ((IEnumerable<ITransformer>)Pipeline(ml, WindowNormalization.SeriesZScore).Fit(data)).OfType<NormalizeWindowsTransformer>().Single();
        var model = global::Onnx.ModelProto.Parser.ParseFrom(n.BuildOnnx("Normalized.normalize_windows"));
        model.MetadataProps.Remove(model.MetadataProps.Single(p => p.Key == OnnxIntegrity.MetadataKey)); // an unstamped graph: only the cross-checks apply
        switch (edit)
        {
            case "keys":
                model.MetadataProps.Single(p => p.Key == "mlnet_lstm.series_keys").Value = "[\"b\",\"a\"]";
                break;
            case "nan row":
                var table = model.Graph.Initializer.Single(t => t.Name == "series_scale");
                var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(table.RawData.Span).ToArray();
                values[^1] = 1f;
                table.RawData = Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
                break;
            default:
                model.MetadataProps.Single(p => p.Key == "mlnet_lstm.version").Value = "3";
                break;
        }
        var graph = SavedGraph.Read("TransformerChain/Transform_001", Google.Protobuf.MessageExtensions.ToByteArray(model), "entry 'x' of model 'm.zip'");
        var e = Assert.Throws<InvalidDataException>(() => SavedTransformers.NormalizeWindows(graph));
        Assert.Contains(edit switch
        {
            "keys" => "LabelEncoder whose keys",
            "nan row" => "row of unseen keys) that is not all NaN",
            _ => "series-level mode SeriesZScore in a version 3 graph",
        }, e.Message);
    }
}
