using System.IO.Compression;
using Microsoft.ML;
using Xunit.Abstractions;
using static MLNet.Lstm.Tests.Onnx.SavedModelTestUtil;

namespace MLNet.Lstm.Tests.Onnx;

/// <summary>
/// Seeded, bounded fuzzing of the loading paths (issue 13 §3): truncated zips, flipped bytes (anywhere, and inside the
/// compressed graphs) and metadata edits (re-stamped, so that only the cross-checks can catch them). Every case must
/// end in a clean exception that names the file, or in exactly the original scores and forecasts: never a wrong
/// number. Stock <c>mlContext.Model.Load</c> is run on the same cases and its outcomes are only counted (logged):
/// it has no checks of its own.
/// </summary>
[Collection(SerialLoadingCollection.Name)]
public class LoadModelFuzzTests
{
    private const int Cases = 16;
    private static readonly string[] Values = { "", "0", "1", "2", "-1", "7", "abc", "[\"C\",\"X\"]", "[\"X\",\"X\"]", "[\"X\"]", "None", "MinMax", "ZScore", "Window", "Score", "true" };

    private readonly ITestOutputHelper _log;

    public LoadModelFuzzTests(ITestOutputHelper log) => _log = log;

    private sealed record Outcome(int Refused, int Equal, int Different);

    [Fact]
    public void DamagedOrEditedZipsGiveACleanErrorOrTheOriginalResult()
    {
        var ml = new MLContext(1);
        var series = Series(ml);
        var windows = WindowRows(ml, series);
        var original = LoadModelIntegrityTests.SaveChain(ml, series, horizon: 2);
        var rng = new Random(20261130);
        try
        {
            var expectedScores = ScoreWith(original, windows);
            var expectedForecast = ForecastWith(original, series);
            var stockExpected = StockScores(original, windows);
            var bytes = File.ReadAllBytes(original);
            var graphs = GraphEntries(original);
            int[] ours = new int[2], stock = new int[3];
            for (int c = 0; c < Cases; c++)
            {
                var path = TempZip($"fuzz-{c}");
                try
                {
                    string what = Mutate(c % 4, bytes, path, graphs, rng);
                    ours[Check(path, what, () => ScoreWith(path, windows), expectedScores)]++;
                    ours[Check(path, what, () => ForecastWith(path, series), expectedForecast)]++;
                    int outcome = StockOutcome(path, windows, stockExpected);
                    stock[outcome]++;
                    if (outcome == 2)
                        _log.WriteLine($"{what}: stock Model.Load loads and scores DIFFERENT numbers");
                }
                finally
                {
                    File.Delete(path);
                }
            }
            _log.WriteLine($"LoadModel + LoadSeriesForecaster over {Cases} cases: {ours[0]} refused, {ours[1]} original result, 0 wrong numbers");
            _log.WriteLine($"stock Model.Load + Transform: {stock[0]} failed, {stock[1]} original scores, {stock[2]} DIFFERENT scores");
            Assert.True(ours[0] > Cases / 2, "most damaged files must be refused");
        }
        finally
        {
            File.Delete(original);
        }
    }

    /// <summary>Writes a damaged copy of <paramref name="bytes"/> to <paramref name="path"/>; returns what was done.</summary>
    private static string Mutate(int kind, byte[] bytes, string path, string[] graphs, Random rng)
    {
        var copy = (byte[])bytes.Clone();
        switch (kind)
        {
            case 0:
                int length = rng.Next(copy.Length);
                File.WriteAllBytes(path, copy[..length]);
                return $"truncated to {length} bytes";
            case 1:
            {
                int at = rng.Next(copy.Length);
                copy[at] ^= (byte)(1 << rng.Next(8));
                File.WriteAllBytes(path, copy);
                return $"flipped a bit of byte {at}";
            }
            case 2:
            {
                File.WriteAllBytes(path, copy);
                string entry = graphs[rng.Next(graphs.Length)];
                var (start, count) = LoadModelIntegrityTests.CompressedData(path, entry);
                int at = start + rng.Next(count);
                copy[at] ^= (byte)(1 << rng.Next(8));
                File.WriteAllBytes(path, copy);
                return $"flipped a bit of byte {at} in {entry}";
            }
            default:
            {
                File.WriteAllBytes(path, copy);
                string entry = graphs[rng.Next(graphs.Length)];
                var model = global::Onnx.ModelProto.Parser.ParseFrom(ReadGraph(path, entry));
                var keys = model.MetadataProps.Select(p => p.Key).Where(k => k != MLNet.Lstm.Onnx.OnnxIntegrity.MetadataKey).ToArray();
                string key = keys[rng.Next(keys.Length)];
                string? value = rng.Next(5) == 0 ? null : Values[rng.Next(Values.Length)];
                EditGraph(path, entry, SetMetadata(key, value));
                return $"set {key} of {entry} to {value ?? "(removed)"}";
            }
        }
    }

    /// <summary>0: refused with a clean exception naming the file; 1: the original result.</summary>
    private int Check(string path, string what, Func<float[][]> run, float[][] expected)
    {
        float[][] actual;
        try
        {
            actual = run();
        }
        catch (Exception e)
        {
            Assert.True(e is InvalidDataException or InvalidOperationException,
                $"{what}: {e.GetType().Name}: {e.Message}");
            Assert.True(e.Message.Contains(path, StringComparison.Ordinal), $"{what}: the message does not name the file: {e.Message}");
            return 0;
        }
        Assert.True(expected.Length == actual.Length && expected.Zip(actual).All(p => p.First.SequenceEqual(p.Second)),
            $"{what}: loaded and gave different numbers");
        return 1;
    }

    private static int StockOutcome(string path, IDataView windows, float[][] expected)
    {
        try
        {
            var actual = StockScores(path, windows);
            return expected.Length == actual.Length && expected.Zip(actual).All(p => p.First.SequenceEqual(p.Second)) ? 1 : 2;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    private static float[][] ScoreWith(string path, IDataView windows)
    {
        var model = new MLContext().Forecasting.LoadModel(path);
        try
        {
            return Scores(model.Transform(windows));
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    private static float[][] ForecastWith(string path, IDataView series)
    {
        using var forecaster = new MLContext().Forecasting.LoadSeriesForecaster(path);
        return forecaster.Forecast(series, 5).Segments.Select(s => s.Values.ToArray()).ToArray();
    }

    private static float[][] StockScores(string path, IDataView windows)
    {
        var model = new MLContext().Model.Load(path, out _);
        try
        {
            return Scores(model.Transform(windows));
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    private static string[] GraphEntries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Select(e => e.FullName).Where(n => n.EndsWith("/OnnxModel", StringComparison.Ordinal)).ToArray();
    }
}
