using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Evaluation;

/// <summary>
/// A test model with a known answer, fitted on windows (after <c>SlidingWindow</c>): from the window's last row
/// (target y, optional covariate c), step k (0-based) of the score is <c>y + (k + 1)·(drift + CovariateWeight·c)</c>,
/// where drift is <see cref="FixedDrift"/> or, when null, learnt as the mean of label[0] - y over the training windows.
/// With <see cref="HalfWidth"/> &gt; 0 it also outputs <c>LowerBound</c>/<c>UpperBound</c> = score ∓ (k + 1)·HalfWidth.
/// It records every fit: the number of windows and the largest |value| it saw.
/// </summary>
internal sealed class DriftEstimator : IEstimator<ITransformer>
{
    private readonly MLContext _ml = new();
    private readonly int _t, _f, _target, _horizon;

    public DriftEstimator(int windowSize, int featureCount, int targetIndex, int horizon)
    {
        _t = windowSize;
        _f = featureCount;
        _target = targetIndex;
        _horizon = horizon;
    }

    public float? FixedDrift { get; init; }

    public float CovariateWeight { get; init; }

    public float HalfWidth { get; init; }

    /// <summary>One entry per fit: windows seen, largest |window or label value| seen, drift learnt.</summary>
    public List<(int Windows, float MaxAbs, float Drift)> Fits { get; } = new();

    public ITransformer Fit(IDataView input)
    {
        var windows = new List<float[]>();
        var labels = new List<float[]>();
        var window = input.Schema["Window"];
        var label = input.Schema["Label"];
        using (var cursor = input.GetRowCursor(new[] { window, label }))
        {
            var wg = cursor.GetGetter<VBuffer<float>>(window);
            Func<float[]> lg = label.Type is VectorDataViewType
                ? Vector(cursor.GetGetter<VBuffer<float>>(label))
                : Scalar(cursor.GetGetter<float>(label));
            VBuffer<float> wb = default;
            while (cursor.MoveNext())
            {
                wg(ref wb);
                windows.Add(wb.DenseValues().ToArray());
                labels.Add(lg());
            }
        }
        float drift = FixedDrift ?? (float)windows.Select((w, i) => labels[i][0] - w[(_t - 1) * _f + _target]).Average();
        float maxAbs = windows.Concat(labels).SelectMany(v => v).Select(Math.Abs).DefaultIfEmpty(0).Max();
        Fits.Add((windows.Count, maxAbs, drift));
        return Mapping(drift).Fit(input);
    }

    private static Func<float[]> Vector(ValueGetter<VBuffer<float>> getter) => () =>
    {
        VBuffer<float> b = default;
        getter(ref b);
        return b.DenseValues().ToArray();
    };

    private static Func<float[]> Scalar(ValueGetter<float> getter) => () =>
    {
        float v = 0;
        getter(ref v);
        return new[] { v };
    };

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => Mapping(0).GetOutputSchema(inputSchema);

    public sealed class In
    {
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    public sealed class Out
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    public sealed class BoundedOut
    {
        public float[] Score { get; set; } = Array.Empty<float>();
        public float[] LowerBound { get; set; } = Array.Empty<float>();
        public float[] UpperBound { get; set; } = Array.Empty<float>();
    }

    private float[] Scores(float[] window, float drift)
    {
        int last = (_t - 1) * _f;
        float y = window[last + _target];
        float c = _f > 1 ? window[last + (_target == 0 ? 1 : 0)] : 0;
        return Enumerable.Range(0, _horizon).Select(k => y + (k + 1) * (drift + CovariateWeight * c)).ToArray();
    }

    private IEstimator<ITransformer> Mapping(float drift)
    {
        var input = SchemaDefinition.Create(typeof(In));
        input["Window"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, _t, _f);
        var vector = new VectorDataViewType(NumberDataViewType.Single, _horizon);
        if (HalfWidth <= 0)
        {
            var output = SchemaDefinition.Create(typeof(Out));
            output["Score"].ColumnType = vector;
            return _ml.Transforms.CustomMapping<In, Out>((i, o) => o.Score = Scores(i.Window, drift), null, input, output);
        }
        var bounded = SchemaDefinition.Create(typeof(BoundedOut));
        foreach (var name in new[] { "Score", "LowerBound", "UpperBound" })
            bounded[name].ColumnType = vector;
        float hw = HalfWidth;
        return _ml.Transforms.CustomMapping<In, BoundedOut>((i, o) =>
        {
            o.Score = Scores(i.Window, drift);
            o.LowerBound = o.Score.Select((s, k) => s - (k + 1) * hw).ToArray();
            o.UpperBound = o.Score.Select((s, k) => s + (k + 1) * hw).ToArray();
        }, null, input, bounded);
    }
}
