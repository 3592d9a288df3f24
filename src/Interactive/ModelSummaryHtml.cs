using System.Globalization;
using System.Net;
using System.Text;

namespace MLNet.Lstm.Interactive;

/// <summary>An <see cref="LstmModelSummary"/> as HTML: the input shape, then a Keras-style table of layers and parameters.</summary>
internal static class ModelSummaryHtml
{
    public static string ToHtml(LstmModelSummary summary)
    {
        var inv = CultureInfo.InvariantCulture;
        string input = $"Input: [N, {summary.WindowSize}, {summary.FeatureCount}]"
            + (summary.FutureSize > 0 ? $", future covariates [N, {summary.FutureSize}]" : "")
            + (summary.SeasonalPeriod > 0 ? $", seasonal period {summary.SeasonalPeriod} ({summary.SeasonalInput})" : "")
            + $"; horizon {summary.Horizon}";
        var table = new HtmlTable(null, "Layer (type)", "Output shape", "Param #");
        foreach (var layer in summary.Layers)
            table.Row($"{layer.Name} ({layer.Kind})", layer.OutputShape, layer.ParameterCount.ToString("N0", inv));
        table.Row("Total params", "", summary.ParameterCount.ToString("N0", inv));
        return new StringBuilder("<div class=\"mlnet-lstm-summary\"><p>").Append(WebUtility.HtmlEncode(input)).Append("</p>")
            .Append(table.ToHtml()).Append("</div>").ToString();
    }
}
