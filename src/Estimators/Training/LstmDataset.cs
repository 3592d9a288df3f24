using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Training;

/// <summary>Windows and labels read once into contiguous row-major buffers.</summary>
internal sealed class LstmDataset
{
    public LstmDataset(float[] x, float[] y, int count, float[]? future = null, float[]? targetShift = null, float[]? targetScale = null)
    {
        X = x;
        Y = y;
        Count = count;
        Future = future;
        TargetShift = targetShift;
        TargetScale = targetScale;
    }

    /// <summary>[Count] the target feature's shift of each row's window normalisation, or null when the window is raw.</summary>
    public float[]? TargetShift { get; }

    /// <summary>[Count] the target feature's scale of each row's window normalisation, or null when the window is raw.</summary>
    public float[]? TargetScale { get; }

    /// <summary>[Count, h·C] known-future covariate values (raw), or null when the model has none.</summary>
    public float[]? Future { get; }

    /// <summary>[Count, T, F] values (the array may be longer; the first Count rows are used).</summary>
    public float[] X { get; }

    /// <summary>[Count, h] (normalised when the window is).</summary>
    public float[] Y { get; }

    public int Count { get; }

    /// <summary>Reads the labelled rows (rows whose label has a NaN are skipped) of <paramref name="data"/>.</summary>
    public static LstmDataset Read(IDataView data, LstmColumns cols, string what)
    {
        var schema = data.Schema;
        var feature = schema[cols.FeatureColumnName];
        var label = schema[cols.LabelColumnName];
        var active = new List<DataViewSchema.Column> { feature, label };
        if (cols.ShiftColumnName is not null)
        {
            active.Add(schema[cols.ShiftColumnName]);
            active.Add(schema[cols.ScaleColumnName!]);
        }
        if (cols.FutureColumnName is not null)
            active.Add(schema[cols.FutureColumnName]);

        int tf = cols.WindowSize * cols.FeatureCount, h = cols.Horizon;
        // One exact buffer for the windows and one for the labels, wrapped by torch.from_array without a copy. The
        // count comes from the view when it knows it (SlidingWindow over an input of known length, without
        // SkipNonFiniteWindows; NormalizeWindows passes it through); otherwise from a counting pass with no active
        // columns, which costs time (a second pass over the input) but no memory, unlike growing or chunked buffers
        // (2 x N·T·F·4 at the final copy).
        long capacity = data.GetRowCount() ?? CountRows(data);
        if (capacity * tf > Array.MaxLength)
            throw new InvalidOperationException($"The {what} data has too many windows ({capacity}) for one buffer.");
        var x = new float[capacity * tf];
        var y = new float[capacity * h];
        int fs = cols.FutureSize;
        var future = fs > 0 ? new float[capacity * fs] : null;
        var targetShift = cols.ShiftColumnName is null ? null : new float[capacity];
        var targetScale = cols.ShiftColumnName is null ? null : new float[capacity];
        int n = 0;
        using (var cursor = data.GetRowCursor(active))
        {
            var getX = cursor.GetGetter<VBuffer<float>>(feature);
            ValueGetter<float>? getY1 = h == 1 && label.Type is not VectorDataViewType ? cursor.GetGetter<float>(label) : null;
            ValueGetter<VBuffer<float>>? getYv = getY1 is null ? cursor.GetGetter<VBuffer<float>>(label) : null;
            ValueGetter<VBuffer<float>>? getShift = cols.ShiftColumnName is null ? null : cursor.GetGetter<VBuffer<float>>(schema[cols.ShiftColumnName]);
            ValueGetter<VBuffer<float>>? getScale = cols.ScaleColumnName is null ? null : cursor.GetGetter<VBuffer<float>>(schema[cols.ScaleColumnName]);
            ValueGetter<VBuffer<float>>? getFuture = cols.FutureColumnName is null ? null : cursor.GetGetter<VBuffer<float>>(schema[cols.FutureColumnName]);
            VBuffer<float> xb = default, yb = default, sb = default, cb = default, fb = default;
            float y1 = 0;
            var labels = new float[h];
            while (cursor.MoveNext())
            {
                if (n >= capacity)
                    throw new InvalidOperationException($"The {what} data returned more rows than it reported ({capacity}).");
                if (getY1 is not null)
                {
                    getY1(ref y1);
                    labels[0] = y1;
                }
                else
                {
                    getYv!(ref yb);
                    yb.CopyTo(labels);
                }
                if (labels.Any(float.IsNaN))
                    continue;
                getX(ref xb);
                xb.CopyTo(x.AsSpan(n * tf, tf));
                if (getShift is not null)
                {
                    getShift(ref sb);
                    getScale!(ref cb);
                    targetShift![n] = sb.GetItemOrDefault(cols.TargetIndex);
                    targetScale![n] = cb.GetItemOrDefault(cols.TargetIndex);
                    NormalizeLabels(labels, targetShift[n], targetScale[n]);
                }
                labels.CopyTo(y.AsSpan(n * h, h));
                if (getFuture is not null)
                {
                    getFuture(ref fb);
                    FutureCovariateColumn.Copy(fb, future.AsSpan(n * fs, fs), cols.FutureColumnName!, cursor.Position, what);
                }
                n++;
            }
        }
        if (n == 0)
            throw new InvalidOperationException(
                $"The {what} data has no labelled rows: every row's label '{cols.LabelColumnName}' is missing (NaN) or the data is empty. Give windows with known next values (e.g. SlidingWindow without only trailing unlabelled windows).");
        // Rows without a label leave unused space at the end; tensors view the first Count rows (no copy).
        return new LstmDataset(x, y, n, future, targetShift, targetScale);
    }

    /// <summary>
    /// The label path of the window normalisation: labels in the network's units, <c>(y - shift) / scale</c> with the
    /// target feature's shift and scale of the row's window.
    /// </summary>
    internal static void NormalizeLabels(Span<float> labels, float shift, float scale)
    {
        for (int k = 0; k < labels.Length; k++)
            labels[k] = WindowNormalizer.NormalizeValue(labels[k], shift, scale);
    }

    private static long CountRows(IDataView data)
    {
        long count = 0;
        using var cursor = data.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        while (cursor.MoveNext())
            count++;
        return count;
    }
}
