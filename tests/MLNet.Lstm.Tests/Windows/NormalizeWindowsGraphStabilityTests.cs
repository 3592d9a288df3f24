using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Windows;

/// <summary>
/// Issue 10 §3: adding the series-level modes leaves the saved graphs of the per-window modes byte for byte as they
/// were (the digests below were taken from the graphs written before the series modes existed; the graph records
/// the assembly version as its producer version, so a version bump of the library changes them too). MinMax and
/// ZScore write version 5 (scale 0 for a window without spread, ZScore's deviation without underflow): their digests
/// are those of version 5.
/// </summary>
public class NormalizeWindowsGraphStabilityTests
{
    private sealed class FlatWindow
    {
        [VectorType(12)]
        public float[] Window { get; set; } = new float[12];
    }

    [Theory]
    [InlineData(WindowNormalization.None, "0DD2C460BC2EBC6493A16B07381A8ABB34717739A930742A11F100AC9C2282DC")]
    [InlineData(WindowNormalization.RelativeToFirst, "7F8E5E89DBFDE9AAC6A6E4193E6A4817A2AF2F36A471DB019BA8F831C2D4B754")]
    [InlineData(WindowNormalization.MinMax, "237627F27BC8504EBF6F7B90DC14D61665E89087E99EFD6A487C5C1F29F2DA77")]
    [InlineData(WindowNormalization.ZScore, "1D38F7476383AB9F65F11243DA3AF659657B16C4D0B37F3075FC82581A270730")]
    [InlineData(WindowNormalization.RelativeToLast, "EF20EE7A1659DDA3E68F895D45BC7C029F7EC015ADEA61BC218855F9FD93E490")]
    public void PerWindowGraphsAreUnchanged(WindowNormalization mode, string sha256)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new FlatWindow() });
        var transformer = ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 4, Mode = mode }).Fit(data);
        string actual = Convert.ToHexString(SHA256.HashData(transformer.BuildOnnx("Window.normalize_windows")));
        Assert.True(sha256 == actual, $"{mode}: SHA-256 {actual}");
    }
}
