using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Data;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm;

/// <summary>
/// The statistics of <see cref="WindowNormalization.SeriesMinMax"/> and <see cref="WindowNormalization.SeriesZScore"/>:
/// per series key (in the order the keys first appear in the training data) and per column, a shift and a scale
/// (<see cref="SeriesScalingFit"/>), looked up by key in C# and by a <c>LabelEncoder</c> + <c>Gather</c> in the graph.
/// </summary>
/// <remarks>
/// Graph form (<c>NormalizeWindows</c> version 4): a key input <c>[N, 1]</c>, an <c>ai.onnx.ml</c> <c>LabelEncoder</c>
/// mapping keys to rows, and the tables <c>series_shift</c>, <c>series_scale</c> (float <c>[K+1, F]</c>, row K NaN for
/// an unseen key) read with <c>Gather</c>; <c>[1, F]</c> and no key input for one series. Metadata
/// <c>mlnet_lstm.series_column</c>, <c>.series_key_type</c>, <c>.series_keys</c>. In full: docs/design.md, 'Persistence'.
/// </remarks>
internal sealed class SeriesScaling
{
    public const string ShiftTableName = "series_shift";
    public const string ScaleTableName = "series_scale";

    private readonly Dictionary<string, int> _index;
    private readonly float[] _shift, _scale;

    /// <param name="keyColumn">The series key column, or null for one series (then <paramref name="keys"/> is one <c>""</c>).</param>
    /// <param name="keyType">The key graph input's element type (ignored without a key column).</param>
    /// <param name="keys">The K keys as text, distinct.</param>
    /// <param name="shift">K·F shifts, key-major.</param>
    /// <param name="scale">K·F scales, key-major.</param>
    /// <param name="featureCount">F.</param>
    public SeriesScaling(string? keyColumn, OnnxElementType keyType, string[] keys, float[] shift, float[] scale, int featureCount)
    {
        if (keys.Length == 0 || shift.Length != keys.Length * featureCount || scale.Length != shift.Length || (keyColumn is null && keys.Length != 1))
            throw new ArgumentException($"Series statistics need F = {featureCount} shifts and scales for each of the {keys.Length} key(s), and one group without a key column.");
        KeyColumnName = keyColumn;
        KeyType = keyType;
        Keys = keys;
        FeatureCount = featureCount;
        _shift = shift;
        _scale = scale;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Length; i++)
        {
            if (!_index.TryAdd(keys[i], i))
                throw new ArgumentException($"Series statistics list key '{keys[i]}' twice.");
        }
    }

    /// <summary>The series key column, or null for one series.</summary>
    public string? KeyColumnName { get; }

    /// <summary>The element type of the key's graph input (and, through <see cref="KeyTypes"/>, its column type).</summary>
    public OnnxElementType KeyType { get; }

    /// <summary>The fitted keys as text (integers in invariant decimal form); <c>""</c> alone for one series.</summary>
    public IReadOnlyList<string> Keys { get; }

    public int FeatureCount { get; }

    /// <summary>The F shifts and scales of key number <paramref name="index"/>.</summary>
    public SeriesScalingRow Row(int index) => new(
        _shift.AsMemory(index * FeatureCount, FeatureCount), _scale.AsMemory(index * FeatureCount, FeatureCount));

    /// <summary>The statistics of <paramref name="key"/>, or <see langword="false"/> for a key unseen at fit time.</summary>
    public bool TryGetRow(string key, out SeriesScalingRow row)
    {
        row = default;
        if (!_index.TryGetValue(key, out int i))
            return false;
        row = Row(i);
        return true;
    }

    /// <summary>The error for a key unseen at fit time (the C# path; a stock-loaded graph gives NaN instead).</summary>
    public InvalidOperationException UnseenKey(WindowNormalization mode, string key, long row) => new(
        $"NormalizeWindows ({mode}): series key '{key}' of column '{KeyColumnName}' (row {row}, 0-based, of the input to NormalizeWindows) " +
        $"was not in the training data, so it has no fitted statistics (fitted keys: {Describe(Keys)}). " +
        "Refit the model on data that includes this series, or use a per-window mode (e.g. WindowNormalization.ZScore), which needs no fitted statistics.");

    private static string Describe(IReadOnlyList<string> keys) =>
        string.Join(", ", keys.Take(10).Select(k => $"'{k}'")) + (keys.Count > 10 ? $", ... ({keys.Count} in all)" : "");

    /// <summary>
    /// Adds the nodes that look the statistics up: origin (the shift) and scale, <c>[N, 1, F]</c>. The key input
    /// (<see cref="KeyColumnName"/>, <c>[N, 1]</c>) must already be a graph input.
    /// </summary>
    public WindowParameterNodes AddParameters(OnnxModelBuilder b, string x3)
    {
        int f = FeatureCount;
        if (KeyColumnName is null)
        {
            b.AddInitializer(ShiftTableName, _shift, new long[] { 1, f });
            b.AddInitializer(ScaleTableName, _scale, new long[] { 1, f });
            b.AddInt64Vector("series_start0", 0);
            b.AddInt64Vector("series_end1", 1);
            b.AddInt64Vector("series_axis1", 1);
            string first = b.AddNode("Slice", new[] { x3, "series_start0", "series_end1", "series_axis1" }, new[] { "series_first" });
            string shape = b.AddNode("Shape", new[] { first }, new[] { "series_first_shape" });
            return new(b.AddNode("Expand", new[] { ShiftTableName, shape }, new[] { "origin3" }), null,
                b.AddNode("Expand", new[] { ScaleTableName, shape }, new[] { "scale3" }));
        }
        int k = Keys.Count;
        b.AddInitializer(ShiftTableName, WithNaNRow(_shift), new long[] { k + 1, f });
        b.AddInitializer(ScaleTableName, WithNaNRow(_scale), new long[] { k + 1, f });
        string key = KeyColumnName;
        var encoder = new List<OnnxAttribute>
        {
            OnnxAttribute.Of("values_int64s", Enumerable.Range(0, k).Select(i => (long)i).ToArray()),
            OnnxAttribute.Of("default_int64", (long)k),
        };
        if (KeyType == OnnxElementType.String)
            encoder.Add(OnnxAttribute.Of("keys_strings", Keys.ToArray()));
        else
        {
            if (KeyType != OnnxElementType.Int64)
                key = b.AddNode("Cast", new[] { key }, new[] { "series_key_int64" }, OnnxAttribute.Of("to", (long)OnnxElementType.Int64));
            encoder.Add(OnnxAttribute.Of("keys_int64s", Keys.Select(IntegerKey).ToArray()));
        }
        string index = b.AddNode(OnnxModelBuilder.MlDomain, "LabelEncoder", new[] { key }, new[] { "series_index" }, encoder.ToArray());
        // [K+1, F] gathered at [N, 1] indices in 0..K: [N, 1, F].
        return new(b.AddNode("Gather", new[] { ShiftTableName, index }, new[] { "origin3" }, OnnxAttribute.Of("axis", 0L)), null,
            b.AddNode("Gather", new[] { ScaleTableName, index }, new[] { "scale3" }, OnnxAttribute.Of("axis", 0L)));
    }

    private float[] WithNaNRow(float[] table)
    {
        var result = new float[table.Length + FeatureCount];
        table.CopyTo(result, 0);
        result.AsSpan(table.Length).Fill(float.NaN);
        return result;
    }

    /// <summary>An integer key's text as the int64 the graph compares (every fitted integer key fits: see <see cref="SeriesScalingFit"/>).</summary>
    internal static long IntegerKey(string key) => long.Parse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public void WriteMetadata(OnnxModelBuilder b)
    {
        if (KeyColumnName is null)
            return;
        b.SetMetadata("mlnet_lstm.series_column", KeyColumnName);
        b.SetMetadata("mlnet_lstm.series_key_type", KeyType.ToString());
        b.SetMetadata("mlnet_lstm.series_keys", JsonSerializer.Serialize(Keys));
    }
}
