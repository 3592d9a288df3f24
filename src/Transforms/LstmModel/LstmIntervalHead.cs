using System.Globalization;

namespace MLNet.Lstm;

/// <summary>
/// What a fitted network predicts beyond the point forecast: the quantile levels of a quantile head and the
/// conformal widths of a calibrated interval. <see cref="None"/> for a point model.
/// </summary>
/// <remarks>
/// Quantiles are non-crossing by construction (<see cref="NonCrossingMatrix"/>: the median plus or minus cumulative
/// <c>softplus</c> increments, one MatMul in torch and ONNX). Conformal widths are in normalised units, one per step.
/// The formulas: docs/intervals-and-backtesting.md, 'Quantile forecasts' and 'Conformal intervals'.
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
