using System.IO.Compression;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Onnx;
using MLNet.Lstm.Tests.Trainer;
using MLNet.Lstm.Training;
using Onnx;

namespace MLNet.Lstm.Tests.Onnx;

/// <summary>
/// Saved forecasting chains for the loading tests: <c>SlidingWindow(X, C) → [NormalizeWindows] → LSTM</c> with random
/// weights (no training), saved with <c>mlContext.Model.Save</c>, and tools to edit a saved zip's graphs.
/// </summary>
internal static class SavedModelTestUtil
{
    public const int T = 6, F = 2;
    public static readonly string[] Columns = { "X", "C" };

    public sealed class SeriesRow
    {
        public float X { get; set; }
        public float C { get; set; }
    }

    public sealed class WindowInput
    {
        [VectorType(T * F)]
        public float[] Window { get; set; } = Array.Empty<float>();
    }

    public sealed class ScoreOutput
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    /// <summary>A positive series (RelativeToFirst needs a non-zero first value) of <paramref name="rows"/> rows.</summary>
    public static IDataView Series(MLContext ml, int rows = 60, int seed = 5)
    {
        var rng = new Random(seed);
        float x = 100, c = 20;
        var data = new SeriesRow[rows];
        for (int i = 0; i < rows; i++)
        {
            x += (float)(rng.NextDouble() * 4 - 2);
            c += (float)(rng.NextDouble() * 2 - 1);
            data[i] = new SeriesRow { X = x, C = c };
        }
        return ml.Data.LoadFromEnumerable(data);
    }

    /// <summary>SlidingWindow(X, C; T, h) → NormalizeWindows(mode) (unless null) → an LSTM with random weights.</summary>
    public static TransformerChain<ITransformer> Chain(MLContext ml, IDataView series, int horizon, WindowNormalization? mode, int seed = 7)
    {
        var window = ml.Transforms.SlidingWindow("Window", Columns, T, horizon: horizon).Fit(series);
        var windows = window.Transform(series);
        var steps = new List<ITransformer> { window };
        IDataView lstmInput = windows;
        LstmScoringLayout layout;
        if (mode is { } m)
        {
            var normalize = ml.Transforms.NormalizeWindows("Window", mode: m).Fit(windows);
            steps.Add(normalize);
            lstmInput = normalize.Transform(windows);
            layout = new LstmScoringLayout("Window", "Label", m.ToString(), "WindowShift", "WindowScale", 0);
        }
        else
        {
            layout = new LstmScoringLayout("Window", "Label", null, null, null, 0);
        }
        var net = LstmTestUtil.RandomWeights(seed, T, F, horizon, 5, 3);
        steps.Add(new LstmForecastingTransformer(LstmOnnxExporter.Export(net, layout), net, layout,
            Array.Empty<LstmEpochResult>(), 0, new LstmTrainingSettings { Dropout = 0 }, lstmInput));
        return new TransformerChain<ITransformer>(steps.ToArray());
    }

    public static string TempZip(string name) => Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}.zip");

    /// <summary>The window rows of <paramref name="series"/> (what a stock-loaded chain scores).</summary>
    public static IDataView WindowRows(MLContext ml, IDataView series) =>
        ml.Transforms.SlidingWindow("Window", Columns, T).Fit(series).Transform(series);

    public static float[][] Scores(IDataView scored) => MLNet.Lstm.Tests.Windows.WindowTestUtil.Vectors(scored, "Score").ToArray();

    public static void AssertBitwise(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i].Select(BitConverter.SingleToInt32Bits), actual[i].Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>The zip entry of the graph of the chain's <paramref name="step"/>-th step (as our components save them).</summary>
    public static string GraphEntry(int step, bool windowStep) =>
        windowStep ? $"TransformerChain/Transform_{step:000}/Transform_000/OnnxModel" : $"TransformerChain/Transform_{step:000}/OnnxModel";

    /// <summary>Reads a graph's ONNX bytes from a saved zip.</summary>
    public static byte[] ReadGraph(string zipPath, string entryName)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var stream = zip.GetEntry(entryName)!.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray()[4..];
    }

    /// <summary>
    /// Rewrites one graph entry of a saved zip (its CRC is recomputed by the zip writer): <paramref name="edit"/>
    /// changes the parsed model; with <paramref name="restamp"/> the integrity stamp is computed again, so that only
    /// the loader's other checks can catch the edit.
    /// </summary>
    public static void EditGraph(string zipPath, string entryName, Action<ModelProto> edit, bool restamp = true)
    {
        var model = ModelProto.Parser.ParseFrom(ReadGraph(zipPath, entryName));
        edit(model);
        var bytes = restamp ? OnnxIntegrity.Stamp(model) : model.ToByteArray();
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        zip.GetEntry(entryName)!.Delete();
        using var stream = zip.CreateEntry(entryName).Open();
        stream.Write(BitConverter.GetBytes(bytes.Length));
        stream.Write(bytes);
    }

    /// <summary>Sets (or with null removes) a metadata entry of a parsed model.</summary>
    public static Action<ModelProto> SetMetadata(string key, string? value) => model =>
    {
        var entry = model.MetadataProps.FirstOrDefault(p => p.Key == key);
        if (value is null)
        {
            if (entry is not null)
                model.MetadataProps.Remove(entry);
        }
        else if (entry is null)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        else
        {
            entry.Value = value;
        }
    };
}
