using System.IO.Compression;
using Microsoft.ML;
using MLNet.Lstm.Onnx;
using static MLNet.Lstm.Tests.Onnx.SavedModelTestUtil;

namespace MLNet.Lstm.Tests.Onnx;

/// <summary>
/// Damaged or inconsistent zips are refused by <c>LoadModel</c> and <c>LoadSeriesForecaster</c> with a message that
/// names the file, the entry and what is wrong (issue 13, items 5 and 6).
/// </summary>
[Collection(SerialLoadingCollection.Name)]
public class LoadModelIntegrityTests
{
    private static readonly string SlidingEntry = GraphEntry(0, windowStep: true);
    private static readonly string NormalizeEntry = GraphEntry(1, windowStep: true);
    private static readonly string LstmEntry = GraphEntry(2, windowStep: false);

    /// <summary>Saves SlidingWindow → NormalizeWindows(RelativeToFirst) → LSTM (h = 1) and returns the path.</summary>
    internal static string SaveChain(MLContext ml, IDataView series, int horizon = 1)
    {
        using var chain = Chain(ml, series, horizon, WindowNormalization.RelativeToFirst);
        var path = TempZip("integrity");
        ml.Model.Save(chain, series.Schema, path);
        return path;
    }

    /// <summary>Both loaders refuse the file; returns LoadModel's exception.</summary>
    private static InvalidDataException AssertRefused(string path, params string[] fragments)
    {
        var ml = new MLContext(1);
        var fast = Assert.Throws<InvalidDataException>(() => ml.Forecasting.LoadModel(path));
        var forecaster = Assert.Throws<InvalidDataException>(() => ml.Forecasting.LoadSeriesForecaster(path));
        foreach (var e in new[] { fast, forecaster })
        {
            Assert.Contains(path, e.Message);
            foreach (var fragment in fragments)
                Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"'{fragment}' is not in the refusal:\n{e}");
        }
        return fast;
    }

    /// <summary>The offset and length of an entry's compressed bytes in the zip file.</summary>
    internal static (int Start, int Length) CompressedData(string path, string entryName)
    {
        var bytes = File.ReadAllBytes(path);
        long compressed;
        using (var zip = ZipFile.OpenRead(path))
            compressed = zip.GetEntry(entryName)!.CompressedLength;
        var name = System.Text.Encoding.UTF8.GetBytes(entryName);
        for (int i = 0; i + 30 < bytes.Length; i++)
        {
            if (BitConverter.ToUInt32(bytes, i) == 0x04034b50 && bytes.AsSpan(i + 30, name.Length).SequenceEqual(name))
                return (i + 30 + BitConverter.ToUInt16(bytes, i + 26) + BitConverter.ToUInt16(bytes, i + 28), (int)compressed);
        }
        throw new InvalidOperationException($"no local header for {entryName}");
    }

    [Fact]
    public void AFlippedByteInTheCompressedOnnxEntryIsRefusedByItsCrc()
    {
        var ml = new MLContext(1);
        var path = SaveChain(ml, Series(ml));
        try
        {
            var (start, length) = CompressedData(path, LstmEntry);
            var bytes = File.ReadAllBytes(path);
            bytes[start + length / 2] ^= 0x10;
            File.WriteAllBytes(path, bytes);
            AssertRefused(path, LstmEntry);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ATruncatedZipIsRefusedNamingTheFile()
    {
        var ml = new MLContext(1);
        var path = SaveChain(ml, Series(ml));
        try
        {
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
            AssertRefused(path, "not a readable model zip");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EveryGraphWeWriteIsStampedAndAnEditWithoutRestampingIsRefused()
    {
        var ml = new MLContext(1);
        var path = SaveChain(ml, Series(ml));
        try
        {
            foreach (var entry in new[] { SlidingEntry, NormalizeEntry, LstmEntry })
            {
                var model = global::Onnx.ModelProto.Parser.ParseFrom(ReadGraph(path, entry));
                Assert.Equal(OnnxIntegrity.MetadataKey, model.MetadataProps.Last().Key);
            }
            // An edit that no cross-check could see (the label's name), written without a new stamp.
            EditGraph(path, LstmEntry, SetMetadata("mlnet_lstm.label_column", "Other"), restamp: false);
            AssertRefused(path, LstmEntry, "integrity check");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void GraphsWithoutAStampAreAcceptedOnTheirCrcAndCrossChecks()
    {
        var ml = new MLContext(1);
        var series = Series(ml);
        var path = SaveChain(ml, series);
        try
        {
            var before = ml.Forecasting.LoadModel(path);
            var expected = Scores(before.Transform(WindowRows(ml, series)));
            (before as IDisposable)?.Dispose();
            foreach (var entry in new[] { SlidingEntry, NormalizeEntry, LstmEntry })
                EditGraph(path, entry, SetMetadata(OnnxIntegrity.MetadataKey, null), restamp: false);
            var loaded = ml.Forecasting.LoadModel(path);
            AssertBitwise(expected, Scores(loaded.Transform(WindowRows(ml, series))));
            (loaded as IDisposable)?.Dispose();
            using var forecaster = ml.Forecasting.LoadSeriesForecaster(path);
            Assert.Equal(T, forecaster.Windowing.WindowSize);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string, string, string?, string[]> Edits() => new()
    {
        // SlidingWindow: columns swapped, duplicated, another target, another horizon, a missing key.
        { "sliding", "mlnet_lstm.input_columns", "[\"C\",\"X\"]", new[] { "feature columns C, X", "X, C" } },
        { "sliding", "mlnet_lstm.input_columns", "[\"X\",\"X\"]", new[] { "more than once" } },
        { "sliding", "mlnet_lstm.target_column", "C", new[] { "target index 1", "target index 0" } },
        { "sliding", "mlnet_lstm.horizon", "2", new[] { "horizon 1", "horizon 2" } },
        { "sliding", "mlnet_lstm.horizon", null, new[] { "no metadata entry 'mlnet_lstm.horizon'" } },
        { "sliding", "mlnet_lstm.window_size", "5", new[] { "[N, 12]", "[N, 10]" } },
        { "sliding", "mlnet_lstm.version", "99", new[] { "format version '99'", "versions 1 to" } },
        // NormalizeWindows: feature names, target, mode.
        { "normalize", "mlnet_lstm.feature_names", "[\"C\",\"X\"]", new[] { "feature columns" } },
        { "normalize", "mlnet_lstm.target_index", "1", new[] { "target index" } },
        { "normalize", "mlnet_lstm.mode", "MinMax", new[] { "normalisation RelativeToFirst", "normalisation MinMax" } },
        { "normalize", "mlnet_lstm.mode", "Bogus", new[] { "'Bogus'" } },
        { "normalize", "mlnet_lstm.shift_column", null, new[] { "no metadata entry 'mlnet_lstm.shift_column'" } },
        // LSTM: the network against its own graph and the steps before it.
        { "lstm", "mlnet_lstm.feature_count", "3", new[] { "[N, 18]", "[N, 12]" } },
        { "lstm", "mlnet_lstm.hidden_sizes", "5,4", new[] { "lstm1_W" } },
        { "lstm", "mlnet_lstm.target_index", "1", new[] { "target index" } },
        { "lstm", "mlnet_lstm.horizon", "2", new[] { "output 'Score'" } },
        { "lstm", "mlnet_lstm.score_column", "Prediction", new[] { "'Prediction'" } },
        { "lstm", "mlnet_lstm.version", "99", new[] { "format version '99'", "versions 1 to" } },
        { "lstm", "mlnet_lstm.window_size", null, new[] { "no metadata entry 'mlnet_lstm.window_size'" } },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void RestampedMetadataEditsAreRefusedByTheCrossChecks(string step, string key, string? value, string[] fragments)
    {
        var ml = new MLContext(1);
        var path = SaveChain(ml, Series(ml));
        try
        {
            string entry = step switch { "sliding" => SlidingEntry, "normalize" => NormalizeEntry, _ => LstmEntry };
            EditGraph(path, entry, SetMetadata(key, value));
            AssertRefused(path, fragments.Append(entry).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
