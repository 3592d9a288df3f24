using System.IO.Compression;
using Google.Protobuf;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Reads the ONNX model metadata (<c>metadata_props</c>) of every ONNX graph stored in an ML.NET model zip, so that a
/// reloaded model (a chain of ML.NET built-ins) can tell which of our components it was made of and with which
/// parameters.
/// </summary>
/// <remarks>
/// ML.NET's <c>OnnxTransformer</c> stores its graph as a zip entry named <c>.../OnnxModel</c>: a 32-bit little-endian
/// byte count followed by the ONNX <c>ModelProto</c> bytes. Only that public file layout is read; nothing of ML.NET's
/// internals is touched. Entries are returned in zip order, which is the chain's order.
/// </remarks>
internal static class SavedModelOnnxMetadata
{
    private const string EntrySuffix = "/OnnxModel";

    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Read(string modelPath)
    {
        using var stream = File.OpenRead(modelPath);
        return Read(stream, modelPath);
    }

    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Read(Stream zipStream, string description)
    {
        var result = new List<IReadOnlyDictionary<string, string>>();
        using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read, leaveOpen: true);
        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(EntrySuffix, StringComparison.Ordinal)))
        {
            using var entryStream = entry.Open();
            using var buffer = new MemoryStream();
            entryStream.CopyTo(buffer);
            var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            if (bytes.Length < 4)
                throw new InvalidDataException($"Entry '{entry.FullName}' of '{description}' is too short to hold an ONNX model.");
            int length = BitConverter.ToInt32(bytes[..4]);
            if (length < 0 || length > bytes.Length - 4)
            {
                throw new InvalidDataException(
                    $"Entry '{entry.FullName}' of '{description}' declares {length} ONNX bytes but holds {bytes.Length - 4}.");
            }
            result.Add(ReadMetadataProps(bytes.Slice(4, length).ToArray()));
        }
        return result;
    }

    /// <summary>Reads field 14 (<c>metadata_props</c>, key 1 / value 2) of an ONNX <c>ModelProto</c>.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadataProps(byte[] model)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var input = new CodedInputStream(model);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 14 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var entry = new CodedInputStream(input.ReadBytes().ToByteArray());
                string key = "", value = "";
                uint entryTag;
                while ((entryTag = entry.ReadTag()) != 0)
                {
                    switch (WireFormat.GetTagFieldNumber(entryTag))
                    {
                        case 1: key = entry.ReadString(); break;
                        case 2: value = entry.ReadString(); break;
                        default: entry.SkipLastField(); break;
                    }
                }
                metadata[key] = value;
            }
            else
            {
                input.SkipLastField();
            }
        }
        return metadata;
    }
}
