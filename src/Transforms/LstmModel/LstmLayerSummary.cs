namespace MLNet.Lstm;

/// <summary>One layer of a fitted LSTM network, as listed by <see cref="LstmModelSummary"/>.</summary>
/// <param name="Name">The layer's name, e.g. <c>lstm_1</c>.</param>
/// <param name="Kind">The layer type: <c>LSTM</c>, <c>GRU</c>, <c>Dropout</c>, <c>Concat</c> (future covariates), <c>Linear</c>, and with a seasonal period <c>SeasonalDifference</c> (first) and <c>SeasonalNaiveAdd</c> (last).</param>
/// <param name="OutputShape">The output shape with <c>N</c> for the batch, e.g. <c>[N, 49, 100]</c>.</param>
/// <param name="ParameterCount">The number of trainable parameters of the layer.</param>
public sealed record LstmLayerSummary(string Name, string Kind, string OutputShape, long ParameterCount);
