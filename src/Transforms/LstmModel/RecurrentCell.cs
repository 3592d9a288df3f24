namespace MLNet.Lstm;

/// <summary>The recurrent cell of the stacked layers of the LSTM forecasting trainer (<c>LstmForecastingTrainer.Options.Cell</c>).</summary>
public enum RecurrentCell
{
    /// <summary>Long short-term memory (TorchSharp <c>nn.LSTM</c>, ONNX <c>LSTM</c>): 4 gate blocks per layer. The default.</summary>
    Lstm,

    /// <summary>
    /// Gated recurrent unit (TorchSharp <c>nn.GRU</c>, ONNX <c>GRU</c> with <c>linear_before_reset = 1</c>): 3 gate
    /// blocks per layer, so about 3/4 of an LSTM's parameters and time for the same hidden size.
    /// </summary>
    Gru,
}
