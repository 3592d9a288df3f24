using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Onnx;
using Onnx;

namespace MLNet.Lstm.Tests.Onnx;

public class OnnxGraphComposerTests
{
    // Step A: "X" [N, 4] → "X" (replaced) = reshape(X * 2) [N, 2, 2]; step B reads "X" declared [N, 4]: "Y" = X + c.
    // Both steps name an initializer "k": the prefixes keep them apart.
    private static OnnxComposedStep StepA()
    {
        var b = new OnnxModelBuilder("a");
        b.AddInput("X", OnnxElementType.Float, OnnxDim.Batch, 4);
        b.AddInitializer("k", new[] { 2f }, new long[] { 1 });
        b.AddInt64Vector("shape", -1, 2, 2);
        b.AddNode("Mul", new[] { "X", "k" }, new[] { "twice" });
        b.AddNode("Reshape", new[] { "twice", "shape" }, new[] { "X.a" });
        b.AddOutput("X.a", OnnxElementType.Float, OnnxDim.Batch, 2, 2);
        return new OnnxComposedStep("0_A", b.BuildModel(), new Dictionary<string, string> { ["X.a"] = "X" });
    }

    private static OnnxComposedStep StepB(string input = "X")
    {
        var b = new OnnxModelBuilder("b");
        b.AddInput(input, OnnxElementType.Float, OnnxDim.Batch, 4);
        b.AddInitializer("k", new[] { 1f, 2f, 3f, 4f }, new long[] { 4 });
        b.AddNode("Add", new[] { input, "k" }, new[] { "Y" });
        b.AddOutput("Y", OnnxElementType.Float, OnnxDim.Batch, 4);
        return new OnnxComposedStep("1_B", b.BuildModel(), new Dictionary<string, string>());
    }

    private static ValueInfoProto Input(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 4 });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    [Fact]
    public void StepsAreWiredByColumnNameWithTheirValuesPrefixedAndRanksAdapted()
    {
        var composer = new OnnxGraphComposer("composed");
        composer.AddInput(Input("X"));
        composer.AddStep(StepA());
        composer.AddStep(StepB());
        composer.AddOutput("Y", "Out");
        var model = composer.Build("test");
        Assert.Equal(new[] { "0_A/k", "0_A/shape", "1_B/X.shape", "1_B/k" }, model.Graph.Initializer.Select(i => i.Name).OrderBy(n => n, StringComparer.Ordinal));

        using var session = new InferenceSession(OnnxIntegrity.Stamp(model));
        var x = new DenseTensor<float>(new[] { 1f, 2f, 3f, 4f, 0f, -1f, 0.5f, 10f }, new[] { 2, 4 });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("X", x) });
        Assert.Equal(new[] { 3f, 6f, 9f, 12f, 1f, 0f, 4f, 24f }, results.Single(r => r.Name == "Out").AsTensor<float>().ToArray());
    }

    [Fact]
    public void AStepReadingAColumnNoEarlierStepMakesIsRefusedNamingTheStepAndColumn()
    {
        var composer = new OnnxGraphComposer("composed");
        composer.AddInput(Input("X"));
        var e = Assert.Throws<InvalidOperationException>(() => composer.AddStep(StepB("WindowShift")));
        Assert.Contains("Step '1_B' reads column 'WindowShift'", e.Message);
        Assert.Contains("available: 'X'", e.Message);
    }

    // Step C: "Y" = If(N == 0, then: an empty [0, 4], else: X + k); the else branch reads the step's input and
    // initializer from the outer scope (the form of the LSTM graph's recurrent layers).
    private static OnnxComposedStep StepWithIf()
    {
        var b = new OnnxModelBuilder("c");
        b.AddInput("X", OnnxElementType.Float, OnnxDim.Batch, 4);
        b.AddInitializer("k", new[] { 1f, 2f, 3f, 4f }, new long[] { 4 });
        b.AddInt64Vector("zero", 0);
        b.AddInt64Vector("empty_shape", 0, 4);
        b.AddNode("Shape", new[] { "X" }, new[] { "rows" }, OnnxAttribute.Of("start", 0L), OnnxAttribute.Of("end", 1L));
        b.AddNode("Equal", new[] { "rows", "zero" }, new[] { "is_empty" });
        var empty = b.Branch("empty");
        empty.AddNode("ConstantOfShape", new[] { "empty_shape" }, new[] { "nothing" });
        empty.AddOutput("nothing", OnnxElementType.Float, OnnxDim.Batch, 4);
        var add = b.Branch("add");
        add.AddNode("Add", new[] { "X", "k" }, new[] { "sum" });
        add.AddOutput("sum", OnnxElementType.Float, OnnxDim.Batch, 4);
        b.AddNode("If", new[] { "is_empty" }, new[] { "Y" },
            OnnxAttribute.Of("then_branch", empty.BuildBranch()), OnnxAttribute.Of("else_branch", add.BuildBranch()));
        b.AddOutput("Y", OnnxElementType.Float, OnnxDim.Batch, 4);
        return new OnnxComposedStep("0_C", b.BuildModel(), new Dictionary<string, string>());
    }

    [Fact]
    public void NamesInsideIfBranchesAreRenamedLikeTheStepsAndTheComposedGraphRuns()
    {
        var composer = new OnnxGraphComposer("composed");
        composer.AddInput(Input("X"));
        composer.AddStep(StepWithIf());
        composer.AddOutput("Y", "Out");
        var model = composer.Build("test");
        var node = model.Graph.Node.Single(n => n.OpType == "If");
        var elseBranch = node.Attribute.Single(a => a.Name == "else_branch").G;
        var thenBranch = node.Attribute.Single(a => a.Name == "then_branch").G;
        Assert.Equal(new[] { "X", "0_C/k" }, elseBranch.Node.Single().Input);
        Assert.Equal("0_C/sum", elseBranch.Output.Single().Name);
        Assert.Equal(new[] { "0_C/empty_shape" }, thenBranch.Node.Single().Input);
        Assert.Equal("0_C/nothing", thenBranch.Output.Single().Name);

        using var session = new InferenceSession(OnnxIntegrity.Stamp(model));
        var x = new DenseTensor<float>(new[] { 1f, 2f, 3f, 4f, 0f, -1f, 0.5f, 10f }, new[] { 2, 4 });
        using (var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("X", x) }))
            Assert.Equal(new[] { 2f, 4f, 6f, 8f, 1f, 1f, 3.5f, 14f }, results.Single(r => r.Name == "Out").AsTensor<float>().ToArray());
        var none = new DenseTensor<float>(Array.Empty<float>(), new[] { 0, 4 });
        using (var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("X", none) }))
            Assert.Equal(new[] { 0, 4 }, results.Single(r => r.Name == "Out").AsTensor<float>().Dimensions.ToArray());
    }
}
