using System.Security.Cryptography;
using Google.Protobuf;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// The integrity stamp of every ONNX graph this project writes: a SHA-256 of the model kept in the model's own
/// metadata, so that a corrupted graph (a flipped byte in a weight, an edited metadata value) is refused on load
/// instead of scoring plausible wrong numbers.
/// </summary>
/// <remarks>
/// Stamp format 1: the metadata entry <see cref="MetadataKey"/>, last in <c>metadata_props</c>, holds the lowercase hex
/// SHA-256 of the serialized <c>ModelProto</c> without that entry. <see cref="Verify"/> removes it, re-serializes with
/// the same typed messages and compares (docs/design.md, 'Persistence').
/// </remarks>
internal static class OnnxIntegrity
{
    /// <summary>The metadata key of the stamp.</summary>
    public const string MetadataKey = "mlnet_lstm.sha256";

    /// <summary>Returns the model with its stamp as the last metadata entry (an existing stamp is replaced).</summary>
    public static byte[] Stamp(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Stamp(ModelProto.Parser.ParseFrom(model));
    }

    /// <summary>Stamps a typed model in place and returns its serialized bytes.</summary>
    public static byte[] Stamp(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        RemoveStamps(model);
        string hash = Hash(model);
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = hash });
        return model.ToByteArray();
    }

    /// <summary>
    /// Checks the stamp of a serialized model; throws <see cref="InvalidDataException"/> naming
    /// <paramref name="description"/> (the file and entry) when it is missing, does not match, or the bytes are not
    /// an ONNX model.
    /// </summary>
    public static void Verify(byte[] model, string description)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelProto parsed;
        try
        {
            parsed = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Refused(description, $"its bytes are not a readable ONNX model ({e.Message})");
        }
        var stamps = parsed.MetadataProps.Where(p => p.Key == MetadataKey).ToList();
        if (stamps.Count != 1)
        {
            throw Refused(description, stamps.Count == 0
                ? $"its ONNX metadata has no integrity stamp '{MetadataKey}' (it was not written by MLNet.Lstm, or the entry was removed)"
                : $"its ONNX metadata has {stamps.Count} integrity stamps '{MetadataKey}'");
        }
        string expected = stamps[0].Value;
        RemoveStamps(parsed);
        string actual = Hash(parsed);
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw Refused(description,
                $"its SHA-256 is {actual} but its stamp '{MetadataKey}' says {expected} (the graph or its metadata was changed after it was written)");
        }
    }

    private static void RemoveStamps(ModelProto model)
    {
        for (int i = model.MetadataProps.Count - 1; i >= 0; i--)
        {
            if (model.MetadataProps[i].Key == MetadataKey)
                model.MetadataProps.RemoveAt(i);
        }
    }

    private static string Hash(ModelProto model) => Convert.ToHexStringLower(SHA256.HashData(model.ToByteArray()));

    private static InvalidDataException Refused(string description, string what) => new(
        $"The ONNX model in {description} failed its integrity check: {what}. The file is corrupted or was edited; " +
        "restore it from a good copy, or save the model again from the fitted chain (mlContext.Model.Save).");
}
