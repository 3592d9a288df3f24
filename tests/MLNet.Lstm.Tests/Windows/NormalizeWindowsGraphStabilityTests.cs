using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm.Tests.Windows;

/// <summary>
/// Issue 10 §3: adding the series-level modes leaves the saved graphs of the per-window modes byte for byte as they
/// were (the digests below were taken from the graphs written before the series modes existed; the graph records
/// the assembly version as its producer version, so a version bump of the library changes them too).
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
    [InlineData(WindowNormalization.MinMax, "02673B88AA1941CD16DC7CCFF5A9FF85373F2B9226BBB3DD455D31A29581D0BD")]
    [InlineData(WindowNormalization.ZScore, "A29CED497253E5820F24CDEA7B7D0E8907C1088F121A846BFC0B0965D11F8DDF")]
    [InlineData(WindowNormalization.RelativeToLast, "EF20EE7A1659DDA3E68F895D45BC7C029F7EC015ADEA61BC218855F9FD93E490")]
    public void PerWindowGraphsAreUnchanged(WindowNormalization mode, string sha256)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new FlatWindow() });
        var transformer = ml.Transforms.NormalizeWindows(new NormalizeWindowsEstimator.Options { WindowSize = 4, Mode = mode }).Fit(data);
        string actual = Convert.ToHexString(SHA256.HashData(transformer.BuildOnnx("Window.normalize_windows")));
        Assert.Equal(sha256, actual);
    }
}
