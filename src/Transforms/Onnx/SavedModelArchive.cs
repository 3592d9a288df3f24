using System.IO.Compression;
using System.IO.Hashing;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// A model zip written by <c>mlContext.Model.Save</c>, read into memory with every entry's CRC-32 checked, and the
/// ONNX graphs it holds (each one's metadata read through ONNX Runtime, its integrity stamp verified).
/// </summary>
/// <remarks>
/// <para>Why the zip is read here: Microsoft.ML 5.0.1 has no public API that reads a model zip's streams
/// (<c>RepositoryReader</c> and <c>ModelLoadContext</c> are internal in Microsoft.ML.Core 5.0.1, checked by reflection),
/// and the loaded <c>OnnxTransformer</c> does not expose its graph. So the zip is read with
/// <see cref="System.IO.Compression"/>, relying on this entry layout of ML.NET 5's model repository:</para>
/// <list type="bullet">
/// <item><description>every saved transformer is a folder; the saved model's root is <c>TransformerChain/</c> (whatever
/// the transformer), and the i-th transformer of a chain saved in folder <c>D</c> is <c>D/Transform_{i:000}/</c>,
/// chains nesting inside chains (a zip saved with a data loader wraps the model in one more chain of one step, which
/// <c>Model.Load</c> unwraps);</description></item>
/// <item><description><c>D/Model.key</c> is each transformer's header (its loader signature and version); it is not read here;</description></item>
/// <item><description>an <c>OnnxTransformer</c> saved in <c>D</c> keeps its graph in the entry <c>D/OnnxModel</c>: a 32-bit
/// little-endian byte count, then exactly that many bytes of ONNX <c>ModelProto</c>;</description></item>
/// <item><description>other entries (<c>Schema</c>, <c>TrainingInfo/...</c>, other transformers' data) are only CRC-checked.</description></item>
/// </list>
/// <para>Checks, each failure an <see cref="InvalidDataException"/> naming the file and the entry: the zip's directory is
/// readable; every entry decompresses to its declared length and CRC-32 (the check any zip tool makes, which
/// <c>ZipArchive</c> and ML.NET's loader skip); an <c>OnnxModel</c> entry's byte count matches; the graph loads in ONNX
/// Runtime; a graph carrying an <see cref="OnnxIntegrity"/> stamp matches it. Graphs of ours without a stamp
/// (saved before stamps existed) are accepted on the CRC and the loader's cross-checks alone (<see cref="SavedGraph.IsStamped"/>).</para>
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
