using System.Collections.Concurrent;
using Microsoft.ML;
using MLNet.Lstm.Training;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary>
/// Keyed windows: <c>ValidationFraction</c> and <c>CalibrationFraction</c> take the last fraction of each series'
/// windows in time order (<see cref="SeriesTemporalSplit"/>), checked against hand-computed window indices.
/// </summary>
public class PerSeriesValidationTests
{
    private sealed class KeyedRow
    {
        public string Key { get; set; } = "";
        public float Value { get; set; }
    }

    [Fact]
    public void EachSeriesGivesItsLastWindowsToValidationThenCalibration()
    {
        // Series 0 (rows 0..9, 10 windows), 1 (rows 10..13, 4), 2 (rows 14..20, 7).
        var ids = Enumerable.Repeat(0, 10).Concat(Enumerable.Repeat(1, 4)).Concat(Enumerable.Repeat(2, 7)).ToArray();
        var plan = SeriesTemporalSplit.Plan(ids, 0.2, 0.25);
        // Validation: round(10·0.2) = 2 (rows 8, 9), round(4·0.2) = round(0.8) = 1 (row 13), round(7·0.2) = round(1.4) = 1 (row 20).
        // Calibration of the rest: round(8·0.25) = 2 (rows 6, 7), round(3·0.25) = round(0.75) = 1 (row 12),
        // round(6·0.25) = round(1.5) = 2, halves to even (rows 18, 19).
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 10, 11, 14, 15, 16, 17, /* calibration */ 6, 7, 12, 18, 19, /* validation */ 8, 9, 13, 20 }, plan.Order);
        Assert.Equal((3, 4, 5), (plan.SeriesCount, plan.ValidationCount, plan.CalibrationCount));
    }

    [Fact]
    public void HalvesRoundToEvenPerSeries()
    {
        // 10, 6 and 2 windows at 0.25: round(2.5) = 2, round(1.5) = 2, round(0.5) = 0.
        var ids = Enumerable.Repeat(0, 10).Concat(Enumerable.Repeat(1, 6)).Concat(Enumerable.Repeat(2, 2)).ToArray();
        var plan = SeriesTemporalSplit.Plan(ids, 0.25, null);
        Assert.Equal(new[] { 8, 9, 14, 15 }, plan.Order[^4..]);
        Assert.Equal((4, 0), (plan.ValidationCount, plan.CalibrationCount));
    }

    /// <summary>Keys a, b, c with 13, 7 and 10 values 100·key + t (key 1, 2, 3): windows of 3, horizon 1.</summary>
    private static IDataView KeyedSeries(MLContext ml, params int[] lengths)
    {
        var rows = lengths.SelectMany((n, s) => Enumerable.Range(0, n).Select(t => new KeyedRow { Key = ((char)('a' + s)).ToString(), Value = 100 * (s + 1) + t }));
        return ml.Data.LoadFromEnumerable(rows.ToArray());
    }

    private static LstmTrainingInput ReadInput(IDataView windows, LstmForecastingTrainer.Options o)
    {
        var cols = LstmColumns.Resolve(windows.Schema, o.FeatureColumnName, o.LabelColumnName, o.WindowSize);
        using var fit = LstmFit.Start(o, CancellationToken.None);
        return LstmTrainingInput.Read(fit, windows, cols);
    }

    [Fact]
    public void TheTrainerHoldsOutTheLastWindowsOfEachSeries()
    {
        var ml = new MLContext(1);
        var windows = ml.Transforms.SlidingWindow("Window", new[] { "Value" }, 3, seriesColumnName: "Key").Fit(KeyedSeries(ml, 13, 7, 10)).Transform(KeyedSeries(ml, 13, 7, 10));
        var input = ReadInput(windows, new LstmForecastingTrainer.Options { ValidationFraction = 0.2f });
        Assert.Equal((21, 4, 17, 3), (input.Data.Count, input.ValidationCount, input.TrainCount, input.SplitSeriesCount));
        // Windows 8, 9 of a (labels t = 11, 12), 3 of b (t = 6), 6 of c (t = 9).
        Assert.Equal(new float[] { 111, 112, 206, 309 }, input.Data.Y.AsSpan(17, 4).ToArray());
        // Each validation window moved with its label: its last value is the label's predecessor.
        Assert.Equal(new float[] { 110, 111, 205, 308 }, Enumerable.Range(17, 4).Select(i => input.Data.X[i * 3 + 2]).ToArray());
        // The training windows keep key then time order: a's first 8, b's first 3, c's first 6.
        var trainingLabels = input.Data.Y.AsSpan(0, 17).ToArray();
        Assert.Equal(Enumerable.Range(3, 8).Select(t => 100f + t).Concat(Enumerable.Range(3, 3).Select(t => 200f + t)).Concat(Enumerable.Range(3, 6).Select(t => 300f + t)), trainingLabels);
    }

    [Fact]
    public void KeyedDataOfOneSeriesSplitsAsUnkeyedData()
    {
        var ml = new MLContext(1);
        var series = KeyedSeries(ml, 23);
        var keyed = ml.Transforms.SlidingWindow("Window", new[] { "Value" }, 3, seriesColumnName: "Key").Fit(series).Transform(series);
        var plain = ml.Transforms.SlidingWindow("Window", new[] { "Value" }, 3).Fit(series).Transform(series);
        var o = new LstmForecastingTrainer.Options { ValidationFraction = 0.25f, ConformalLevel = 0.5f, CalibrationFraction = 0.2f };
        var a = ReadInput(keyed, o);
        var b = ReadInput(plain, o);
        // 20 windows: validation round(20·0.25) = 5, calibration round(15·0.2) = 3, training 12.
        Assert.Equal((12, 3, 5), (a.TrainCount, a.CalibrationCount, a.ValidationCount));
        Assert.Equal((b.TrainCount, b.CalibrationCount, b.ValidationCount), (a.TrainCount, a.CalibrationCount, a.ValidationCount));
        Assert.Equal(b.Data.Y.AsSpan(0, 20).ToArray(), a.Data.Y.AsSpan(0, 20).ToArray());
        Assert.Equal(b.Data.X.AsSpan(0, 60).ToArray(), a.Data.X.AsSpan(0, 60).ToArray());
    }

    [Fact]
    public void AMissingKeyColumnIsAnErrorWhenASplitNeedsIt()
    {
        var ml = new MLContext(1);
        var series = KeyedSeries(ml, 13, 7);
        var windows = ml.Transforms.SlidingWindow("Window", new[] { "Value" }, 3, seriesColumnName: "Key").Fit(series).Transform(series);
        var withoutKey = ml.Transforms.DropColumns("Key").Fit(windows).Transform(windows);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ReadInput(withoutKey, new LstmForecastingTrainer.Options { ValidationFraction = 0.2f }));
        Assert.Contains("keyed by column 'Key'", e.Message);
        Assert.Contains("has no column of that name", e.Message);
        // Without a split the key is not needed.
        Assert.Equal(14, ReadInput(withoutKey, new LstmForecastingTrainer.Options()).TrainCount);
    }

    [Fact]
    public void AFitReportsThePerSeriesSplit()
    {
        var ml = new MLContext(1);
        var messages = new ConcurrentQueue<string>();
        ml.Log += (_, e) =>
        {
            if (e.Source == nameof(LstmForecastingTrainer))
                messages.Enqueue(e.Message);
        };
        var series = KeyedSeries(ml, 13, 7, 10);
        var chain = ml.Transforms.SlidingWindow("Window", new[] { "Value" }, 3, seriesColumnName: "Key")
            .Append(ml.Transforms.NormalizeWindows("Window", mode: WindowNormalization.ZScore))
            .Append(ml.Forecasting.Lstm(new LstmForecastingTrainer.Options
            {
                HiddenSizes = new[] { 8 }, Epochs = 1, Seed = 1, ValidationFraction = 0.2f, Context = ml,
                Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
            }));
        using var model = chain.Fit(series);
        var lstm = (LstmForecastingTransformer)model.Last();
        Assert.Equal((17, 4), (lstm.Settings.TrainingRowCount, lstm.Settings.ValidationRowCount));
        Assert.Contains(messages, m => m.Contains("17 training windows of [3, 1] from 3 series") && m.Contains("4 validation windows (the last of each of 3 series)"));
    }
}
