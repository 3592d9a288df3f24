using Microsoft.ML;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>Issue 13 §1.1: a window column not named <c>Window</c> works in every mode, fitted and reloaded.</summary>
public class RenamedWindowColumnTests
{
    private static SeriesPrediction[] AllModes(SeriesForecaster forecaster, IDataView series) => new[]
    {
        forecaster.PredictPointByPoint(series),
        forecaster.PredictMultipleSequences(series, 7),
        forecaster.PredictFullSequence(series),
        forecaster.Forecast(series, 3),
    };

    [Fact]
    public void EveryModeWorksWithAWindowColumnNamedFeaturesFittedAndReloaded()
    {
        var fitted = TinyChain.Get("Features");
        var ml = new MLContext(seed: 1);
        var series = TinyChain.Series(ml);
        var inMemory = ml.Forecasting.CreateSeriesForecaster(fitted.Model);
        Assert.Equal("Features", inMemory.Windowing.WindowColumnName);
        using var reloaded = ml.Forecasting.LoadSeriesForecaster(fitted.ZipPath);
        Assert.Equal("Features", reloaded.Windowing.WindowColumnName);

        var expectedModes = new[] { SeriesPredictionMode.PointByPoint, SeriesPredictionMode.MultipleSequences, SeriesPredictionMode.FullSequence, SeriesPredictionMode.Forecast };
        var fromMemory = AllModes(inMemory, series);
        var fromZip = AllModes(reloaded, series);
        Assert.Equal(expectedModes, fromMemory.Select(p => p.Mode));
        Assert.Equal(expectedModes, fromZip.Select(p => p.Mode));
        for (int m = 0; m < fromMemory.Length; m++)
        {
            Assert.Equal(fromMemory[m].Segments.Select(s => s.StartRow), fromZip[m].Segments.Select(s => s.StartRow));
            // RelativeToFirst and the LSTM graph: the C# normaliser and the saved graph agree bitwise.
            Assert.Equal(fromMemory[m].Segments.Select(s => s.Values), fromZip[m].Segments.Select(s => s.Values));
            Assert.All(fromMemory[m].Segments.SelectMany(s => s.Values), v => Assert.True(float.IsFinite(v)));
        }
        Assert.Equal(120 - TinyChain.T + 1, fromMemory[0].Segments.Count);
        Assert.Equal(3, fromMemory[3].Segments.Single().Values.Length);

        // Point by point is the chain's own Transform of the series' windows.
        var scored = Vectors(fitted.Model.Transform(series), "Score");
        Assert.Equal(scored.Select(s => s[0]), fromMemory[0].Segments.Take(scored.Count).Select(s => s.Values[0]));
    }
}
