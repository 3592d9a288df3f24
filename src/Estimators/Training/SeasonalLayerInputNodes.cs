namespace MLNet.Lstm.Training;

/// <summary>What <see cref="SeasonalSkipOnnx.AddLayerInput"/> wrote: the layers' input and, for standardised differences, μ and σ <c>[1, N, F]</c>.</summary>
/// <param name="LayerInput">The tensor the first recurrent layer reads, <c>[T or T − m, N, F or 2F]</c>.</param>
/// <param name="Mean">μ per window and column, or null.</param>
/// <param name="Std">σ per window and column (1 where 0), or null.</param>
internal sealed record SeasonalLayerInputNodes(string LayerInput, string? Mean, string? Std);
