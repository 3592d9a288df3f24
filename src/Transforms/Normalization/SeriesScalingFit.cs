using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;
using MLNet.Lstm.Onnx;

namespace MLNet.Lstm;

/// <summary>
/// Fits <see cref="SeriesScaling"/> on training windows: per series key and per column, the minimum and maximum, or the
/// mean and population standard deviation, over the series values the key's windows cover, each counted once (as
/// sklearn's scalers fitted on those values would).
/// </summary>
/// <remarks>
/// A window that overlaps the previous one of its key (per its <see cref="WindowAnnotations.WindowStride"/>
/// annotation) adds only its last s steps. Sums are in double precision; a scale of 0 becomes 1. A non-finite training
/// value, an overflowing statistic or an unsupported key is an error naming the column, the key and the fix. More:
/// docs/windows.md, 'NormalizeWindows'.
/// </remarks>
internal static class SeriesScalingFit
{
    private sealed class Group
    {
        public Group(int f)
        {
            Min = Enumerable.Repeat(float.PositiveInfinity, f).ToArray();
            Max = Enumerable.Repeat(float.NegativeInfinity, f).ToArray();
            Mean = new double[f];
            M2 = new double[f];
        }

        public long Count;
        public float[] Min, Max;
        public float[]? Previous;
        public double[] Mean, M2;
    }

    public static SeriesScaling Fit(IDataView data, DataViewSchema.Column window, DataViewSchema.Column? key,
        int t, int f, WindowNormalization mode, IReadOnlyList<string> featureNames)
    {
        var keyType = key is null ? OnnxElementType.String : KeyTypeOf(key.Value, mode);
        int? stride = WindowAnnotations.GetInt32(window, WindowAnnotations.WindowStride);
        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        var order = new List<string>();
        using (var cursor = data.GetRowCursor(key is null ? new[] { window } : new[] { window, key.Value }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(window);
            var readKey = key is null ? null : SeriesKeyReader.MakeReader(cursor, key.Value);
            VBuffer<float> buffer = default;
            var values = new float[t * f];
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                VectorValues.CopyExact(buffer, values, "NormalizeWindows", window.Name, cursor.Position);
                string k = readKey?.Invoke() ?? "";
                if (!groups.TryGetValue(k, out var group))
                {
                    CheckIntegerKey(k, keyType, key, mode);
                    groups.Add(k, group = new Group(f));
                    order.Add(k);
                }
                int from = stride is { } s && s < t && group.Previous is { } previous && Overlaps(previous, values, s, f) ? t - s : 0;
                Add(group, values, from, t, featureNames, () => Where(mode, cursor.Position, window.Name, key, k));
                values.CopyTo(group.Previous ??= new float[values.Length], 0);
            }
        }
        if (order.Count == 0)
            throw new InvalidOperationException($"NormalizeWindows ({mode}): the training data has no windows, so there is nothing to fit the series statistics on. Give it at least one window per series.");
        var shift = new float[order.Count * f];
        var scale = new float[order.Count * f];
        for (int g = 0; g < order.Count; g++)
        {
            for (int j = 0; j < f; j++)
                (shift[g * f + j], scale[g * f + j]) = Finish(groups[order[g]], j, mode, featureNames[j], key, order[g]);
        }
        return new SeriesScaling(key?.Name, keyType, order.ToArray(), shift, scale, f);
    }

    /// <summary>Whether <paramref name="window"/> starts <paramref name="stride"/> steps after <paramref name="previous"/>: its first T - s steps are the previous window's last T - s.</summary>
    private static bool Overlaps(float[] previous, float[] window, int stride, int f) =>
        window.AsSpan(0, window.Length - stride * f).SequenceEqual(previous.AsSpan(stride * f));

    /// <summary>Adds the steps <paramref name="from"/> to T - 1 of a window to its key's statistics.</summary>
    private static void Add(Group group, float[] window, int from, int t, IReadOnlyList<string> featureNames, Func<string> where)
    {
        int f = featureNames.Count;
        for (int i = from; i < t; i++)
        {
            group.Count++;
            for (int j = 0; j < f; j++)
            {
                float v = window[i * f + j];
                if (!float.IsFinite(v))
                {
                    throw new InvalidOperationException(
                        $"{where()} has the non-finite value {v} at step {i} in column '{featureNames[j]}'. " +
                        "Series statistics cannot be fitted on it: clean or impute the series, or skip such windows with SlidingWindow's SkipNonFiniteWindows = true.");
                }
                group.Min[j] = Math.Min(group.Min[j], v);
                group.Max[j] = Math.Max(group.Max[j], v);
                double delta = v - group.Mean[j];
                group.Mean[j] += delta / group.Count;
                group.M2[j] += delta * (v - group.Mean[j]);
            }
        }
    }

    private static string Where(WindowNormalization mode, long row, string windowColumn, DataViewSchema.Column? key, string k) =>
        $"NormalizeWindows ({mode}): the training window at row {row} (0-based, of the input to NormalizeWindows, window column '{windowColumn}')" +
        (key is null ? "" : $" of series '{k}' (column '{key.Value.Name}')");

    private static (float Shift, float Scale) Finish(Group g, int j, WindowNormalization mode, string column, DataViewSchema.Column? key, string k)
    {
        bool zScore = mode == WindowNormalization.SeriesZScore;
        float shift = zScore ? (float)g.Mean[j] : g.Min[j];
        float scale = zScore ? (float)Math.Sqrt(g.M2[j] / g.Count) : g.Max[j] - g.Min[j];
        if (scale == 0f)
            scale = 1f;
        if (!float.IsFinite(shift) || !float.IsFinite(scale))
        {
            throw new InvalidOperationException(
                $"NormalizeWindows ({mode}): the {(zScore ? "mean or standard deviation" : "range")} of column '{column}'" +
                (key is null ? "" : $" of series '{k}' (column '{key.Value.Name}')") +
                " is too large for single precision. Rescale the series (e.g. divide it by a power of 10) before windowing.");
        }
        return (shift, scale);
    }

    private static OnnxElementType KeyTypeOf(DataViewSchema.Column key, WindowNormalization mode) =>
        KeyTypes.Of(key.Type) ?? throw new ArgumentOutOfRangeException("input",
            $"NormalizeWindows ({mode}): the series key column '{key.Name}' has type {key.Type}; series statistics are keyed on text or integer columns " +
            "(Int32, Int64, ...; not ML.NET key types, which a saved graph cannot read). Convert it (mlContext.Transforms.Conversion.MapKeyToValue or ConvertType).");

    private static void CheckIntegerKey(string k, OnnxElementType type, DataViewSchema.Column? key, WindowNormalization mode)
    {
        if (type == OnnxElementType.UInt64 && !long.TryParse(k, out _))
        {
            throw new ArgumentOutOfRangeException("input",
                $"NormalizeWindows ({mode}): series key {k} of column '{key!.Value.Name}' is larger than the int64 keys a saved graph compares. " +
                "Renumber the series with smaller keys, or use a text key column.");
        }
    }
}
