using System.Globalization;

namespace MLNet.Lstm;

/// <summary>
/// What a fitted network predicts beyond the point forecast (issue 9): the quantile levels of a quantile head and the
/// conformal widths of a calibrated interval. <see cref="None"/> for a point model.
/// </summary>
/// <remarks>
/// <para>A quantile head predicts q raw values per step, <c>r[k, 0..q-1]</c>; the quantiles are made non-crossing by
/// construction (<see cref="NonCrossingMatrix"/>): the median is the raw value at the median's index m, and every
/// other quantile is the median plus (above) or minus (below) a cumulative sum of <c>softplus</c> increments,
/// <c>Q[k, j] = r[k, m] + Σ_i softplus(r[k, i]) · M[i, j]</c> with <c>M[i, j] = +1</c> for <c>m &lt; i ≤ j</c>,
/// <c>−1</c> for <c>j ≤ i &lt; m</c>, 0 otherwise. Softplus is positive, so <c>Q[k, j] &lt; Q[k, j+1]</c> for every
/// step and every input, and the transform is one MatMul with a constant matrix, identical in torch and in ONNX.
/// (Sorting per step would also prevent crossings, but its gradient swaps the levels' roles when raw values cross.)</para>
/// <para>Conformal widths are in the network's (normalised) units, one per step; the bounds are
/// <c>min(lo − w, median)</c> and <c>max(hi + w, median)</c> where lo/hi are the lowest/highest quantile (the point
/// forecast for a point model), then mapped through the window's inverse normalisation.</para>
/// </remarks>
internal sealed record LstmIntervalHead(float[]? QuantileLevels, float? ConformalLevel, float[]? ConformalWidths)
{
    /// <summary>A point model: one output per step, no bounds.</summary>
    public static readonly LstmIntervalHead None = new(null, null, null);

    /// <summary>Outputs per step q (1 for a point model).</summary>
    public int QuantileCount => QuantileLevels?.Length ?? 1;

    /// <summary>The index of the 0.5 quantile (0 for a point model).</summary>
    public int MedianIndex => QuantileLevels is null ? 0 : Array.IndexOf(QuantileLevels, 0.5f);

    /// <summary>Whether the model outputs <c>LowerBound</c> / <c>UpperBound</c>.</summary>
    public bool HasBounds => QuantileLevels is not null || ConformalWidths is not null;

    /// <summary>
    /// The nominal level of the <c>[LowerBound, UpperBound]</c> band: the conformal level when calibrated, else the
    /// highest minus the lowest quantile level; null without bounds.
    /// </summary>
    public double? IntervalLevel => ConformalLevel is float c ? Math.Round((double)c, 6)
        : QuantileLevels is { } q ? Math.Round((double)q[^1] - q[0], 6) : null;

    /// <summary>The quantile levels the trainer uses for <paramref name="requested"/>: 0.5 added when missing (sorted).</summary>
    public static float[]? LevelsOf(float[]? requested) =>
        requested is null ? null : requested.Contains(0.5f) ? requested.ToArray() : requested.Append(0.5f).OrderBy(v => v).ToArray();

    /// <summary>The constant <c>[q, q]</c> matrix M of the non-crossing transform (see the remarks), row-major.</summary>
    public float[] NonCrossingMatrix()
    {
        int q = QuantileCount, m = MedianIndex;
        var matrix = new float[q * q];
        for (int i = 0; i < q; i++)
        {
            for (int j = 0; j < q; j++)
                matrix[i * q + j] = i > m && i <= j ? 1f : i < m && j <= i ? -1f : 0f;
        }
        return matrix;
    }

    /// <summary>The levels as the graph metadata writes them (invariant, round-trip).</summary>
    public string? LevelsText => QuantileLevels is null ? null
        : string.Join(",", QuantileLevels.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
