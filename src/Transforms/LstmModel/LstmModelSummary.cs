using System.Globalization;
using System.Text;

namespace MLNet.Lstm;

/// <summary>
/// The architecture of a fitted LSTM network (like Keras' <c>model.summary()</c>): its layers, their output shapes
/// and parameter counts. <see cref="ToString"/> prints it as a table.
/// </summary>
public sealed class LstmModelSummary
{
    internal LstmModelSummary(int windowSize, int featureCount, int horizon, IReadOnlyList<int> hiddenSizes, float dropout,
        RecurrentCell cell = RecurrentCell.Lstm, int futureSize = 0, LstmSeasonality? seasonality = null)
    {
        var seasonal = seasonality ?? LstmSeasonality.None;
        SeasonalPeriod = seasonal.Period;
        SeasonalInput = seasonal.Input;
        Cell = cell;
        FutureSize = futureSize;
        WindowSize = windowSize;
        FeatureCount = featureCount;
        Horizon = horizon;
        HiddenSizes = hiddenSizes.ToArray();
        var layers = new List<LstmLayerSummary>();
        int input = seasonal.LayerInputSize(featureCount), steps = seasonal.LayerSteps(windowSize);
        if (seasonal.IsOn)
            layers.Add(new LstmLayerSummary($"seasonal_diff_{seasonal.Period}", "SeasonalDifference", $"[N, {steps}, {input}]", 0));
        for (int l = 0; l < hiddenSizes.Count; l++)
        {
            int h = hiddenSizes[l];
            long count = cell.LayerParameterCount(input, h);
            bool last = l == hiddenSizes.Count - 1;
            layers.Add(new LstmLayerSummary($"{cell.ToString().ToLowerInvariant()}_{l + 1}", cell.OnnxOperator(), last ? $"[N, {h}]" : $"[N, {steps}, {h}]", count));
            if (dropout > 0)
                layers.Add(new LstmLayerSummary($"dropout_{l + 1}", "Dropout", last ? $"[N, {h}]" : $"[N, {steps}, {h}]", 0));
            input = h;
        }
        if (futureSize > 0)
            layers.Add(new LstmLayerSummary("concat_future", "Concat", $"[N, {input + futureSize}]", 0));
        layers.Add(new LstmLayerSummary("dense", "Linear", $"[N, {horizon}]", (long)horizon * (input + futureSize) + horizon));
        if (seasonal.IsOn)
            layers.Add(new LstmLayerSummary("seasonal_skip", "SeasonalNaiveAdd", $"[N, {horizon}]", 0));
        Layers = layers;
        ParameterCount = layers.Sum(l => l.ParameterCount);
    }

    /// <summary>The window length T.</summary>
    public int WindowSize { get; }

    /// <summary>The number of features F per time step.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of predicted steps h.</summary>
    public int Horizon { get; }

    /// <summary>The recurrent cell of the layers.</summary>
    public RecurrentCell Cell { get; }

    /// <summary>The number of known-future covariate values (h·C) the head reads after the last hidden state; 0 for none.</summary>
    public int FutureSize { get; }

    /// <summary>
    /// The seasonal period m of the network (its layers read the seasonal differences x[t] − x[t−m] and its output adds
    /// the seasonal-naive value), or 0 for none; with <c>AutoSeasonalPeriod</c> the period the trainer detected.
    /// </summary>
    public int SeasonalPeriod { get; }

    /// <summary>What the layers read with a <see cref="SeasonalPeriod"/> (<see cref="SeasonalNetworkInput.Differences"/> without one).</summary>
    public SeasonalNetworkInput SeasonalInput { get; }

    /// <summary>The hidden size of each stacked LSTM layer.</summary>
    public IReadOnlyList<int> HiddenSizes { get; }

    /// <summary>The layers in order (the last LSTM layer's output is its last time step's hidden state).</summary>
    public IReadOnlyList<LstmLayerSummary> Layers { get; }

    /// <summary>The total number of trainable parameters.</summary>
    public long ParameterCount { get; }

    /// <summary>The summary as a text table.</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string line = new('-', 64);
        sb.AppendLine($"Input: [N, {WindowSize}, {FeatureCount}]" + (FutureSize > 0 ? $", future covariates [N, {FutureSize}]" : "")
            + (SeasonalPeriod > 0 ? $", seasonal period {SeasonalPeriod} ({SeasonalInput})" : ""));
        sb.AppendLine(line);
        sb.AppendLine($"{"Layer (type)",-28}{"Output shape",-22}{"Param #",14}");
        sb.AppendLine(new string('=', 64));
        foreach (var l in Layers)
            sb.AppendLine($"{l.Name + " (" + l.Kind + ")",-28}{l.OutputShape,-22}{l.ParameterCount.ToString("N0", inv),14}");
        sb.AppendLine(new string('=', 64));
        sb.AppendLine($"Total params: {ParameterCount.ToString("N0", inv)}");
        return sb.ToString();
    }
}
