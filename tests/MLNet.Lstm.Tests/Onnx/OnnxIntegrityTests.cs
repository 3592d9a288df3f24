using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using MLNet.Lstm.Onnx;
using Onnx;

namespace MLNet.Lstm.Tests.Onnx;

public class OnnxIntegrityTests
{
    private static readonly float[] Weights = { 2f, -1f, 0.5f, 4f };

    private static byte[] BuildStampedModel()
    {
        var b = new OnnxModelBuilder("stamped");
        b.AddInput("X", OnnxElementType.Float, OnnxDim.Batch, 4);
        b.AddInitializer("w", Weights, new long[] { 4 });
        b.AddNode("Mul", new[] { "X", "w" }, new[] { "Y" });
        b.AddOutput("Y", OnnxElementType.Float, OnnxDim.Batch, 4);
        b.SetMetadata("mlnet_lstm.format", "test");
        b.SetMetadata("mlnet_lstm.version", "1");
        return b.Build();
    }

    [Fact]
    public void BuiltGraphsCarryAStampThatVerifiesAndIsTheLastMetadataEntry()
    {
        var bytes = BuildStampedModel();
        OnnxIntegrity.Verify(bytes, "'test.zip' entry 'Model/OnnxModel'");

        var model = ModelProto.Parser.ParseFrom(bytes);
        var last = model.MetadataProps[^1];
        Assert.Equal(OnnxIntegrity.MetadataKey, last.Key);
        Assert.Matches("^[0-9a-f]{64}$", last.Value);
        Assert.Equal(new[] { "mlnet_lstm.format", "mlnet_lstm.version", OnnxIntegrity.MetadataKey },
            model.MetadataProps.Select(p => p.Key));

        // The stamp is the SHA-256 of the model without it, and stamping again changes nothing.
        model.MetadataProps.RemoveAt(model.MetadataProps.Count - 1);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model.ToByteArray()));
        Assert.Equal(expected, last.Value);
        Assert.Equal(bytes, OnnxIntegrity.Stamp(bytes));

        using var session = new InferenceSession(bytes);
        Assert.Equal(last.Value, session.ModelMetadata.CustomMetadataMap[OnnxIntegrity.MetadataKey]);
    }

    [Fact]
    public void AFlippedByteInsideAnInitializerIsRefusedNamingTheFile()
    {
        var bytes = BuildStampedModel();
        int at = IndexOf(bytes, System.Runtime.InteropServices.MemoryMarshal.AsBytes(Weights.AsSpan()).ToArray());
        Assert.True(at > 0, "the initializer's raw bytes are in the model");
        bytes[at + 5] ^= 0x10;

        var e = Assert.Throws<InvalidDataException>(() => OnnxIntegrity.Verify(bytes, "'model.zip' entry 'Lstm/OnnxModel'"));
        Assert.Contains("'model.zip' entry 'Lstm/OnnxModel'", e.Message);
        Assert.Contains("SHA-256", e.Message);
        Assert.Contains("save the model again", e.Message);
    }

    [Fact]
    public void AMissingStampAnEditedValueAndGarbageAreRefused()
    {
        var model = ModelProto.Parser.ParseFrom(BuildStampedModel());
        var stamp = model.MetadataProps[^1];
        model.MetadataProps.RemoveAt(model.MetadataProps.Count - 1);
        var missing = Assert.Throws<InvalidDataException>(() => OnnxIntegrity.Verify(model.ToByteArray(), "'a.onnx'"));
        Assert.Contains("'a.onnx'", missing.Message);
        Assert.Contains($"no integrity stamp '{OnnxIntegrity.MetadataKey}'", missing.Message);

        model.MetadataProps[0].Value = "edited";
        model.MetadataProps.Add(stamp);
        var edited = Assert.Throws<InvalidDataException>(() => OnnxIntegrity.Verify(model.ToByteArray(), "'b.onnx'"));
        Assert.Contains("'b.onnx'", edited.Message);
        Assert.Contains(stamp.Value, edited.Message);

        var garbage = Assert.Throws<InvalidDataException>(() => OnnxIntegrity.Verify(new byte[] { 0xFF, 0xFF, 0xFF }, "'c.onnx'"));
        Assert.Contains("'c.onnx'", garbage.Message);
        Assert.Contains("not a readable ONNX model", garbage.Message);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
                return i;
        }
        return -1;
    }
}
