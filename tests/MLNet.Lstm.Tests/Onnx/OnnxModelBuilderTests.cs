using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm.Tests.Onnx;

public class OnnxModelBuilderTests
{
    // y = x * w + b per row, with a Transpose/Reshape round trip to exercise int64 initializers and attributes.
    private static byte[] BuildAffineModel()
    {
        var b = new OnnxModelBuilder("affine");
        b.AddInput("X", OnnxElementType.Float, OnnxDim.Batch, 3);
        b.AddInitializer("w", new[] { 2f, -1f, 0.5f }, new long[] { 3 });
        b.AddInitializer("b", new[] { 1f, 1f, 1f }, new long[] { 3 });
        b.AddInt64Vector("shape", -1, 3, 1);
        b.AddInt64Vector("flat", -1, 3);
        b.AddNode("Mul", new[] { "X", "w" }, new[] { "xw" });
        b.AddNode("Add", new[] { "xw", "b" }, new[] { "y0" });
        b.AddNode("Reshape", new[] { "y0", "shape" }, new[] { "y1" });
        b.AddNode("Transpose", new[] { "y1" }, new[] { "y2" }, OnnxAttribute.Of("perm", new long[] { 0, 2, 1 }));
        b.AddNode("Reshape", new[] { "y2", "flat" }, new[] { "Y" });
        b.AddOutput("Y", OnnxElementType.Float, OnnxDim.Batch, 3);
        b.SetMetadata("mlnet_lstm.format", "test");
        b.SetMetadata("mlnet_lstm.version", "1");
        return b.Build();
    }

    [Fact]
    public void OnnxRuntimeRunsTheWrittenGraphAndReadsItsMetadata()
    {
        using var session = new InferenceSession(BuildAffineModel());
        var x = new DenseTensor<float>(new[] { 1f, 2f, 3f, -1f, 0f, 4f }, new[] { 2, 3 });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("X", x) });
        var y = results.Single().AsTensor<float>().ToArray();
        Assert.Equal(new[] { 3f, -1f, 2.5f, -1f, 1f, 3f }, y);
        Assert.Equal("test", session.ModelMetadata.CustomMetadataMap["mlnet_lstm.format"]);
        Assert.Equal("MLNet.Lstm", session.ModelMetadata.ProducerName);
    }

    private sealed class Row
    {
        [VectorType(3)]
        public float[] X { get; set; } = Array.Empty<float>();
    }

    private sealed class Scored
    {
        [VectorType(3)]
        public float[] Y { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void OnnxTransformerScoresTheGraphAndSurvivesSaveAndLoad()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { X = new[] { 1f, 2f, 3f } } });
        using var bytes = new MemoryStream(BuildAffineModel());
        var model = ml.Transforms.ApplyOnnxModel(new[] { "Y" }, new[] { "X" }, bytes).Fit(data);
        var before = ml.Data.CreateEnumerable<Scored>(model.Transform(data), reuseRowObject: false).Single().Y;

        var path = Path.Combine(Path.GetTempPath(), $"onnx-builder-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = new MLContext().Model.Load(path, out _);
            var engine = ml.Model.CreatePredictionEngine<Row, Scored>(loaded);
            var after = engine.Predict(new Row { X = new[] { 1f, 2f, 3f } }).Y;
            Assert.Equal(new[] { 3f, -1f, 2.5f }, before);
            Assert.Equal(before, after);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DuplicateNamesAndWrongInitializerSizesAreRejected()
    {
        var b = new OnnxModelBuilder("g");
        b.AddInput("X", OnnxElementType.Float, OnnxDim.Batch, 3);
        var dup = Assert.Throws<InvalidOperationException>(() => b.AddInitializer("X", new[] { 1f }, new long[] { 1 }));
        Assert.Contains("'X'", dup.Message);
        var size = Assert.Throws<ArgumentException>(() => b.AddInitializer("w", new[] { 1f, 2f }, new long[] { 3 }));
        Assert.Contains("'w'", size.Message);
    }

    [Fact]
    public void ABranchSharesTheGraphsNamesAndLeavesItsConstantsToTheMainGraph()
    {
        var b = new OnnxModelBuilder("g");
        b.AddInput("X", OnnxElementType.Float, OnnxDim.Batch, 3);
        b.AddInitializer("w", new[] { 1f, 2f, 3f }, new long[] { 3 });
        b.AddInitializer("unused", new[] { 1f }, new long[] { 1 });
        var branch = b.Branch("inner");
        branch.AddNode("Mul", new[] { "X", "w" }, new[] { "scaled" });
        var initializer = Assert.Throws<InvalidOperationException>(() => branch.AddInitializer("v", new[] { 1f }, new long[] { 1 }));
        Assert.Contains("'v' cannot be added to the branch 'inner'", initializer.Message);
        var duplicate = Assert.Throws<InvalidOperationException>(() => b.AddNode("Identity", new[] { "X" }, new[] { "scaled" }));
        Assert.Contains("'scaled'", duplicate.Message);
        Assert.Throws<InvalidOperationException>(() => branch.BuildModel());

        b.AddNode("Identity", new[] { "X" }, new[] { "Y" }, OnnxAttribute.Of("unused_graph", branch.BuildBranch()));
        b.AddOutput("Y", OnnxElementType.Float, OnnxDim.Batch, 3);
        var model = b.BuildModel();
        // "w" is read only inside the branch: it stays; "unused" is read by nothing: it goes.
        Assert.Equal(new[] { "w" }, model.Graph.Initializer.Select(i => i.Name));
        Assert.Equal(new[] { "X", "w" }, model.Graph.Node.Single().Attribute.Single().G.Node.Single().Input);
    }
}
