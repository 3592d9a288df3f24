using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>
/// An LSTM trained behind ZScore windows, appended behind a MinMax <c>NormalizeWindows</c>: scoring is refused with a
/// message naming both normalisations (it used to score silently wrong), and a zip holding such a chain is not called
/// damaged by <c>LoadModel</c>.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class MismatchedNormalizationTests
{
    [Fact]
    public void AnLstmBehindAnotherNormalizationIsRefusedNamingBoth()
    {
        var fitted = TinyChain.Get(mode: WindowNormalization.ZScore);
        var ml = new MLContext(seed: 1);
        var series = TinyChain.Series(ml);
        var minMax = ml.Transforms.SlidingWindow("Window", new[] { "A", "B" }, TinyChain.T)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.MinMax)).Fit(series);
        var composed = minMax.Append(fitted.Model.LastTransformer);

        var e = Assert.Throws<InvalidOperationException>(() => composed.Transform(series));
        Assert.Contains("trained on windows normalised with ZScore", e.Message);
        Assert.Contains("'Window' is normalised with MinMax", e.Message);
        Assert.Contains("fit the forecaster again", e.Message);
        e = Assert.Throws<InvalidOperationException>(() => composed.GetOutputSchema(series.Schema));
        Assert.Contains("MinMax", e.Message);

        // The chain it was fitted with still scores.
        Assert.NotEmpty(ml.Data.CreateEnumerable<TinyChain.ScoreOutput>(fitted.Model.Transform(series), reuseRowObject: false).Take(1));

        // Saved anyway (ML.NET's Model.Save does not bind the chain): LoadModel names both, and does not blame damage.
        string path = Path.Combine(Path.GetTempPath(), $"mismatched-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(composed, series.Schema, path);
            var load = Assert.Throws<InvalidDataException>(() => ml.Forecasting.LoadModel(path));
            Assert.Contains("trained on windows with normalisation ZScore", load.Message);
            Assert.Contains("has normalisation MinMax", load.Message);
            Assert.Contains("composed of steps fitted separately", load.Message);
            Assert.DoesNotContain("damaged", load.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
