using System.Runtime.InteropServices;
using System.Text.Json;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Reads the fitted statistics of a series-level <c>NormalizeWindows</c> graph (format described on
/// <see cref="SeriesScaling"/>) back from its metadata and initializers, checking the tables' shapes, the NaN row of
/// unseen keys and the <c>LabelEncoder</c>'s keys against the metadata, so the rebuilt transformer computes what the
/// graph computes.
/// </summary>
internal static class SavedSeriesScaling
{
    public static SeriesScaling Read(SavedGraph graph, int f)
    {
        var m = graph.Metadata;
        var model = ModelProto.Parser.ParseFrom(graph.Model).Graph;
        string? keyColumn = m.OptionalString("mlnet_lstm.series_column");
        var type = OnnxElementType.String;
        string[] keys = { "" };
        if (keyColumn is not null)
        {
            string typeText = m.String("mlnet_lstm.series_key_type");
            if (!Enum.TryParse(typeText, ignoreCase: false, out type) || KeyTypes.Column(type) is null || typeText != type.ToString())
                throw m.Error($"has metadata 'mlnet_lstm.series_key_type' = '{typeText}'; expected String or an integer type (Int32, Int64, ...)");
            keys = Keys(m);
            graph.RequireShape(true, keyColumn, 1);
            CheckEncoder(m, model, keys, type);
        }
        int rows = keyColumn is null ? 1 : keys.Length + 1;
        var shift = Table(m, model, SeriesScaling.ShiftTableName, rows, f);
        var scale = Table(m, model, SeriesScaling.ScaleTableName, rows, f);
        int fitted = keys.Length * f;
        if (keyColumn is not null && (shift.Skip(fitted).Any(v => !float.IsNaN(v)) || scale.Skip(fitted).Any(v => !float.IsNaN(v))))
            throw m.Error($"has a last row of '{SeriesScaling.ShiftTableName}' or '{SeriesScaling.ScaleTableName}' (the row of unseen keys) that is not all NaN");
        if (shift.Take(fitted).Concat(scale.Take(fitted)).Any(v => !float.IsFinite(v)) || scale.Take(fitted).Any(v => v == 0f))
            throw m.Error("has a fitted shift or scale that is not finite, or a scale of 0");
        return new SeriesScaling(keyColumn, type, keys, shift[..fitted], scale[..fitted], f);
    }

    private static string[] Keys(SavedGraphMetadata m)
    {
        string text = m.String("mlnet_lstm.series_keys");
        string[]? keys;
        try
        {
            keys = JsonSerializer.Deserialize<string[]>(text);
        }
        catch (JsonException)
        {
            keys = null;
        }
        if (keys is null || keys.Length == 0 || keys.Any(k => k is null) || keys.Distinct(StringComparer.Ordinal).Count() != keys.Length)
            throw m.Error($"has metadata 'mlnet_lstm.series_keys' = '{text}'; expected a JSON array of distinct keys");
        return keys;
    }

    private static float[] Table(SavedGraphMetadata m, GraphProto graph, string name, int rows, int f)
    {
        var tensor = graph.Initializer.FirstOrDefault(t => t.Name == name)
            ?? throw m.Error($"has no initializer '{name}' (its series statistics)");
        if (tensor.DataType != (int)OnnxElementType.Float || !tensor.Dims.SequenceEqual(new long[] { rows, f }))
            throw m.Error($"has initializer '{name}' of dimensions [{string.Join(", ", tensor.Dims)}]; its metadata describes float [{rows}, {f}]");
        var values = tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : tensor.FloatData.ToArray();
        if (values.Length != rows * f)
            throw m.Error($"has initializer '{name}' with {values.Length} values for dimensions [{rows}, {f}]");
        return values;
    }

    private static void CheckEncoder(SavedGraphMetadata m, GraphProto graph, string[] keys, OnnxElementType type)
    {
        var encoder = graph.Node.SingleOrDefault(n => n.OpType == "LabelEncoder" && n.Domain == OnnxModelBuilder.MlDomain)
            ?? throw m.Error("has series keys in its metadata but no LabelEncoder node");
        AttributeProto? Attribute(string name) => encoder.Attribute.FirstOrDefault(a => a.Name == name);
        var graphKeys = type == OnnxElementType.String
            ? Attribute("keys_strings")?.Strings.Select(s => s.ToStringUtf8()).ToArray()
            : Attribute("keys_int64s")?.Ints.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var values = Attribute("values_int64s")?.Ints.ToArray();
        bool same = graphKeys is not null && graphKeys.SequenceEqual(keys, StringComparer.Ordinal)
            && values is not null && values.SequenceEqual(Enumerable.Range(0, keys.Length).Select(i => (long)i))
            && Attribute("default_int64")?.I == keys.Length;
        if (!same)
            throw m.Error("has a LabelEncoder whose keys, indices or default index do not match its metadata 'mlnet_lstm.series_keys'");
    }
}
