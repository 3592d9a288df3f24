namespace MLNet.Lstm.Training;

/// <summary>
/// One member network's fit: its chosen weights, the epoch they are from, its epochs, its device and, with
/// <c>ConformalLevel</c>, its predictions on the calibration windows and, when the seasonal choice needs them, its
/// outputs <c>[n, h·q]</c> (normalised) on the validation windows.
/// </summary>
internal readonly record struct LstmMemberFit(LstmNetworkWeights Weights, int BestEpoch, List<LstmEpochResult> History, string Device,
    ConformalCalibration.Predictions? Calibration = null, float[]? ValidationOutputs = null);
