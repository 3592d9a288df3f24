using System.Globalization;
using System.Runtime.InteropServices;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Reads a saved LSTM graph's interval head back (graph version 3 or later): the quantile levels
/// (<c>mlnet_lstm.quantile_levels</c>), the conformal level (<c>.conformal_level</c>) and widths (initializer
/// <c>conformal_width</c> <c>[h]</c>), checked against the graph's outputs. A graph without them is a point model.
/// </summary>
internal static class SavedIntervalHead
{
    public static LstmIntervalHead Read(SavedGraph graph, int horizon)
    {
        var m = graph.Metadata;
        float[]? levels = null;
        if (m.OptionalString("mlnet_lstm.quantile_levels") is { } text)
        {
            levels = text.Split(',').Select(v => float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : float.NaN).ToArray();
            bool sorted = levels.Zip(levels.Skip(1)).All(p => p.First < p.Second);
            if (levels.Any(v => !(v > 0 && v < 1)) || !sorted || !levels.Contains(0.5f))
                throw m.Error($"has metadata 'mlnet_lstm.quantile_levels' = '{text}'; expected sorted distinct levels in (0, 1) including 0.5");
        }
        float? level = null;
        float[]? widths = null;
        if (m.OptionalString("mlnet_lstm.conformal_level") is { } levelText)
        {
            if (!float.TryParse(levelText, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) || !(c > 0 && c < 1))
                throw m.Error($"has metadata 'mlnet_lstm.conformal_level' = '{levelText}'; expected a level in (0, 1)");
            level = c;
            widths = ReadWidths(graph, horizon);
        }
        var interval = new LstmIntervalHead(levels, level, widths);
        RequireOutputs(graph, interval, horizon);
        return interval;
    }

    private static float[] ReadWidths(SavedGraph graph, int horizon)
    {
        var tensor = ModelProto.Parser.ParseFrom(graph.Model).Graph.Initializer.FirstOrDefault(t => t.Name == "conformal_width");
        if (tensor is null || tensor.DataType != (int)TensorProto.Types.DataType.Float || !tensor.Dims.SequenceEqual(new long[] { horizon }))
            throw graph.Metadata.Error($"has a conformal level but no float initializer 'conformal_width' of shape [{horizon}] (mlnet_lstm.horizon)");
        var values = tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : tensor.FloatData.ToArray();
        if (values.Length != horizon || values.Any(v => !float.IsFinite(v)))
            throw graph.Metadata.Error($"has initializer 'conformal_width' with {values.Length} value(s) [{string.Join(", ", values)}]; expected {horizon} finite widths");
        return values;
    }

    private static void RequireOutputs(SavedGraph graph, LstmIntervalHead interval, int h)
    {
        string[] bounds = { LstmScoringLayout.LowerBoundColumnName, LstmScoringLayout.UpperBoundColumnName };
        foreach (var name in bounds)
        {
            if (!interval.HasBounds)
                continue;
            if (h == 1)
                graph.RequireShape(false, name);
            else
                graph.RequireShape(false, name, h);
        }
        if (interval.QuantileLevels is not null)
            graph.RequireShape(false, LstmScoringLayout.QuantilesColumnName, h, interval.QuantileCount);
        int expected = 1 + (interval.HasBounds ? 2 : 0) + (interval.QuantileLevels is null ? 0 : 1);
        if (graph.Outputs.Count != expected)
            throw graph.Metadata.Error(
                $"has {graph.Outputs.Count} graph outputs ({string.Join(", ", graph.Outputs.Keys)}), but its metadata (mlnet_lstm.quantile_levels, mlnet_lstm.conformal_level) describes {expected}");
    }
}
