using System.IO.Compression;
using System.IO.Hashing;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// A model zip written by <c>mlContext.Model.Save</c>, read into memory with every entry's CRC-32 checked, and the
/// ONNX graphs it holds (each one's metadata read through ONNX Runtime, its integrity stamp verified).
/// </summary>
/// <remarks>
/// <para>Read with <see cref="System.IO.Compression"/> because Microsoft.ML 5 has no public API for a model zip's
/// streams; the entry layout relied on (<c>TransformerChain/</c>, <c>Transform_{i:000}/</c>, <c>OnnxModel</c>) is in
/// docs/design.md, 'Persistence'.</para>
/// <para>Errors: an <see cref="InvalidDataException"/> naming the file and the entry when the directory is unreadable,
/// an entry's length or CRC-32 is wrong, an <c>OnnxModel</c> byte count mismatches, a graph does not load in ONNX
/// Runtime, or a stamped graph fails its <see cref="OnnxIntegrity"/> check. Unstamped graphs are accepted
/// (<see cref="SavedGraph.IsStamped"/>).</para>
/// </remarks>
internal sealed class SavedModelArchive
{
    /// <summary>The folder of the saved model's root transformer.</summary>
    public const string RootFolder = "TransformerChain";

    /// <summary>The entry name of an <c>OnnxTransformer</c>'s graph inside its folder.</summary>
    public const string OnnxEntryName = "OnnxModel";

    private readonly Dictionary<string, SavedGraph> _graphs;
    private readonly Dictionary<string, int> _childCounts;

    private SavedModelArchive(string description, Dictionary<string, SavedGraph> graphs, IEnumerable<string> entryNames)
    {
        Description = description;
        _graphs = graphs;
        _childCounts = CountChildren(entryNames);
    }

    /// <summary>How messages name the model, e.g. <c>model 'path/model.zip'</c>.</summary>
    public string Description { get; }

    /// <summary>The graphs, by the folder of the <c>OnnxTransformer</c> that holds them.</summary>
    public IReadOnlyDictionary<string, SavedGraph> Graphs => _graphs;

    /// <summary>The folder of the <paramref name="index"/>-th transformer of a chain saved in <paramref name="folder"/>.</summary>
    public static string ChildFolder(string folder, int index) => $"{folder}/Transform_{index:000}";

    /// <summary>How many chain steps (<c>Transform_NNN</c> sub-folders) the transformer saved in <paramref name="folder"/> has.</summary>
    public int ChildCount(string folder) => _childCounts.TryGetValue(folder, out int n) ? n : 0;

    private static Dictionary<string, int> CountChildren(IEnumerable<string> entryNames)
    {
        var children = new HashSet<(string Parent, string Child)>();
        foreach (var name in entryNames)
        {
            var parts = name.Split('/');
            for (int i = 1; i < parts.Length - 1; i++)
            {
                if (parts[i].StartsWith("Transform_", StringComparison.Ordinal))
                    children.Add((string.Join('/', parts[..i]), parts[i]));
            }
        }
        return children.GroupBy(c => c.Parent, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
    }

    /// <summary>Reads and checks the zip (see the remarks of the class).</summary>
    /// <param name="zip">The whole zip file.</param>
    /// <param name="description">How messages name it, e.g. <c>model 'model.zip'</c>.</param>
    public static SavedModelArchive Read(byte[] zip, string description)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException(
                $"The {description} is not a readable model zip ({e.Message}). The file is truncated or damaged: restore it from a " +
                "good copy, or save the model again with mlContext.Model.Save.", e);
        }
        using (archive)
        {
            var graphs = new Dictionary<string, SavedGraph>(StringComparer.Ordinal);
            foreach (var entry in archive.Entries)
            {
                var bytes = ReadVerified(entry, description);
                string suffix = "/" + OnnxEntryName;
                if (entry.FullName.EndsWith(suffix, StringComparison.Ordinal))
                {
                    string folder = entry.FullName[..^suffix.Length];
                    graphs[folder] = SavedGraph.Read(folder, GraphBytes(bytes, entry.FullName, description), $"entry '{entry.FullName}' of {description}");
                }
            }
            return new SavedModelArchive(description, graphs, archive.Entries.Select(e => e.FullName));
        }
    }

    /// <summary>Decompresses an entry and checks its length and CRC-32 against the zip's directory.</summary>
    private static byte[] ReadVerified(ZipArchiveEntry entry, string description)
    {
        string where = $"entry '{entry.FullName}' of {description}";
        // Deflate expands at most about 1,032 times: a larger declared size is a damaged directory, not a reason to
        // allocate it.
        if (entry.Length < 0 || entry.Length > Array.MaxLength || entry.Length > entry.CompressedLength * 1100 + 1024)
            throw Damaged(where, $"declares {entry.Length} bytes from {entry.CompressedLength} compressed bytes");
        var bytes = new byte[entry.Length];
        bool longer;
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
            longer = stream.ReadByte() >= 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw new InvalidDataException(
                $"The {where} cannot be decompressed ({e.Message}). The file is damaged: restore it from a good copy, or save the model again.", e);
        }
        if (longer)
            throw Damaged(where, $"decompresses to more than its declared {entry.Length} bytes");
        uint crc = Crc32.HashToUInt32(bytes);
        if (crc != entry.Crc32)
            throw Damaged(where, $"has CRC-32 {crc:x8} but the zip records {entry.Crc32:x8}");
        return bytes;
    }

    /// <summary>The ONNX bytes of an <c>OnnxModel</c> entry: a 32-bit little-endian count, then exactly that many bytes.</summary>
    private static byte[] GraphBytes(byte[] entry, string name, string description)
    {
        string where = $"entry '{name}' of {description}";
        if (entry.Length < 4)
            throw Damaged(where, $"holds {entry.Length} bytes, too few for an ONNX graph");
        int length = BitConverter.ToInt32(entry, 0);
        if (length != entry.Length - 4)
            throw Damaged(where, $"declares {length} ONNX bytes but holds {entry.Length - 4}");
        return entry[4..];
    }

    private static InvalidDataException Damaged(string where, string what) => new(
        $"The {where} is damaged: it {what}. Restore the file from a good copy, or save the model again with mlContext.Model.Save.");
}
