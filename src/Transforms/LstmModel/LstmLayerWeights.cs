namespace MLNet.Lstm;

/// <summary>
/// The weights of one recurrent layer in PyTorch's layout: LSTM gate blocks in the order i, f, g, o (GRU: r, z, n);
/// <c>WeightIh</c> is <c>[G·H, InputSize]</c> and <c>WeightHh</c> is <c>[G·H, H]</c>, both row-major, G = 4 (LSTM) or 3 (GRU).
/// </summary>
internal sealed record LstmLayerWeights(int InputSize, int HiddenSize, float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh);
