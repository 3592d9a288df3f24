using System.Text.Json.Nodes;
using Microsoft.ML;
using MLNet.Lstm.Training;

namespace MLNet.Lstm.Tests.Trainer;

/// <summary>
/// Checkpoint folders left by interrupted or damaged runs (issue 13, items 7 and 10), reproduced by editing the
/// files: each either resumes correctly or fails with a message that names the file and a fix that works.
/// </summary>
public class CheckpointRecoveryTests
{
    private static void InTemporaryFolder(Action<string> test)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"lstm-recovery-{Guid.NewGuid():N}");
        try
        {
            test(dir);
        }
        finally
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
    }

    private static LstmForecastingTrainer.Options Options(int epochs, string? checkpoints = null, string? resume = null) => new()
    {
        HiddenSizes = new[] { 6 },
        Dropout = 0f,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 0.01f,
        Seed = 4,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = 1 },
        CheckpointDirectory = checkpoints,
        ResumeFromCheckpoint = resume,
    };

    private static readonly MLContext Ml = new(1);
    private static readonly IDataView Data = LstmTestUtil.RandomData(Ml, 96, 5, 2, 1, seed: 13);

    private static LstmForecastingTransformer Fit(LstmForecastingTrainer.Options o) => Ml.Forecasting.Lstm(o).Fit(Data);

    private static JsonNode Sidecar(string dir, string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, name + ".json")))!;

    private static void EditSidecar(string dir, string name, Action<JsonNode> edit)
    {
        var node = Sidecar(dir, name);
        edit(node);
        File.WriteAllText(Path.Combine(dir, name + ".json"), node.ToJsonString());
    }

    [Fact]
    public void AnInterruptedSaveOfBestStillResumesFromLastAndRepairsBest()
    {
        InTemporaryFolder(dir =>
        {
            using (Fit(Options(1, dir)))
            {
            }
            string epoch1Sidecar = File.ReadAllText(Path.Combine(dir, "best.json"));
            using var two = Fit(Options(2, dir, resume: dir));
            Assert.Equal(2, (int)Sidecar(dir, "last")["BestEpoch"]!);        // epoch 2 improved: best.* and last.* hold it
            // The save of best.* of epoch 2 interrupted after best.pt and best.opt were renamed: best.json is epoch 1's.
            File.WriteAllText(Path.Combine(dir, "best.json"), epoch1Sidecar);

            var direct = Assert.Throws<InvalidDataException>(() => Fit(Options(3, resume: Path.Combine(dir, "best.pt"))));
            Assert.Contains("best.pt' does not match its sidecar", direct.Message);
            Assert.Contains(Path.Combine(dir, "last.pt"), direct.Message);   // the advice names the intact checkpoint

            var o = Options(3, dir, resume: dir);
            o.EarlyStoppingMinDelta = 1e9f;                                 // epoch 3 cannot improve: best stays epoch 2
            using var resumed = Fit(o);
            Assert.Equal(3, resumed.History.Single().Epoch);
            Assert.Equal(2, resumed.BestEpoch);
            Assert.Equal(two.GetOnnxModel(), resumed.GetOnnxModel());
            Assert.Equal(2, (int)Sidecar(dir, "best")["Epoch"]!);          // best.* was rewritten from last.pt
            using var again = Fit(Options(4, resume: Path.Combine(dir, "best.pt")));
            Assert.Equal(3, again.History[0].Epoch);
        });
    }

    [Fact]
    public void ResumingAfterDyingBetweenLastAndBestReturnsTheRightBestEpoch()
    {
        InTemporaryFolder(dir =>
        {
            var backup = Path.Combine(dir, "epoch1");
            using (Fit(Options(1, dir)))
            {
            }
            Directory.CreateDirectory(backup);
            foreach (var ext in new[] { ".pt", ".opt", ".json" })
                File.Copy(Path.Combine(dir, "best" + ext), Path.Combine(backup, "best" + ext));
            using var epoch2 = Fit(Options(2, dir, resume: dir));
            Assert.Equal(2, (int)Sidecar(dir, "last")["BestEpoch"]!);
            // The process died after last.* of the improving epoch 2 and before its best.*: best.* are epoch 1's.
            foreach (var ext in new[] { ".pt", ".opt", ".json" })
                File.Copy(Path.Combine(backup, "best" + ext), Path.Combine(dir, "best" + ext), overwrite: true);

            var o = Options(3, resume: dir);
            o.EarlyStoppingMinDelta = 1e9f;                                 // epoch 3 cannot improve
            using var resumed = Fit(o);
            Assert.Equal(2, resumed.BestEpoch);
            Assert.Equal(epoch2.GetOnnxModel(), resumed.GetOnnxModel());     // the best epoch's weights, from last.pt
        });
    }

    [Fact]
    public void AnEarlierBestEpochWhoseWeightsAreGoneIsAnErrorWithAWorkingFix()
    {
        InTemporaryFolder(dir =>
        {
            var o = Options(2, dir);
            o.EarlyStoppingMinDelta = 1e9f;                                 // best epoch 1, last epoch 2
            using (Fit(o))
            {
            }
            File.Delete(Path.Combine(dir, "best.json"));
            var e = Assert.Throws<InvalidDataException>(() => Fit(Options(3, resume: dir)));
            Assert.Contains("names epoch 1 as the best so far", e.Message);
            Assert.Contains("best.pt", e.Message);
            Assert.Contains("RestoreBestWeights = false", e.Message);
            var fix = Options(3, resume: dir);
            fix.RestoreBestWeights = false;
            using var resumed = Fit(fix);
            Assert.Equal(3, resumed.History.Single().Epoch);
        });
    }

    [Fact]
    public void ResumingIntoAnotherFolderTakesTheEarlierBestCheckpointAlong()
    {
        InTemporaryFolder(dir =>
        {
            string first = Path.Combine(dir, "first"), second = Path.Combine(dir, "second");
            var o = Options(2, first);
            o.EarlyStoppingMinDelta = 1e9f;                                 // best epoch 1, last epoch 2
            using var best1 = Fit(o);
            Assert.Equal(1, best1.BestEpoch);
            o = Options(3, second, resume: first);
            o.EarlyStoppingMinDelta = 1e9f;
            using (Fit(o))
            {
            }
            Assert.Equal(1, (int)Sidecar(second, "best")["Epoch"]!);
            o = Options(4, resume: second);
            o.EarlyStoppingMinDelta = 1e9f;
            using var resumed = Fit(o);
            Assert.Equal(1, resumed.BestEpoch);
            Assert.Equal(best1.GetOnnxModel(), resumed.GetOnnxModel());
        });
    }

    [Fact]
    public void ACorruptSidecarNamesTheFileAndTheOtherCheckpoint()
    {
        InTemporaryFolder(dir =>
        {
            using (Fit(Options(1, dir)))
            {
            }
            File.WriteAllBytes(Path.Combine(dir, "last.json"), new byte[] { 0xEF, 0x00, 0x7B, 0x22 });
            var e = Assert.Throws<InvalidDataException>(() => Fit(Options(2, resume: dir)));
            Assert.Contains($"sidecar '{Path.Combine(dir, "last.json")}' is not valid JSON", e.Message);
            Assert.Contains($"'{Path.Combine(dir, "best.pt")}'", e.Message);
            using var fixedRun = Fit(Options(2, resume: Path.Combine(dir, "best.pt")));   // the advice works
            Assert.Equal(2, fixedRun.History.Single().Epoch);
        });
    }

    [Fact]
    public void ResumingWithFewerEpochsThanTheCheckpointHoldsIsAnError()
    {
        InTemporaryFolder(dir =>
        {
            using (Fit(Options(2, dir)))
            {
            }
            foreach (int epochs in new[] { 1, 2 })
            {
                var e = Assert.Throws<ArgumentOutOfRangeException>(() => Fit(Options(epochs, resume: dir)));
                Assert.Contains($"Epochs is {epochs} but the checkpoint", e.Message);
                Assert.Contains("already holds epoch 2", e.Message);
                Assert.Contains("Set Epochs to more than 2", e.Message);
            }
        });
    }

    [Fact]
    public void ATruncatedWeightsFileNamesTheFileAndTheFix()
    {
        InTemporaryFolder(dir =>
        {
            using (Fit(Options(1, dir)))
            {
            }
            string pt = Path.Combine(dir, "last.pt");
            var bytes = File.ReadAllBytes(pt);
            File.WriteAllBytes(pt, bytes[..(bytes.Length / 2)]);
            // With the sidecar's hash the truncation is an interrupted save; without it (format 1) the read fails.
            var e = Assert.Throws<InvalidDataException>(() => Fit(Options(2, resume: dir)));
            Assert.Contains("does not match its sidecar", e.Message);
            EditSidecar(dir, "last", n => { n["WeightsSha256"] = null; n["OptimizerSha256"] = null; });
            e = Assert.Throws<InvalidDataException>(() => Fit(Options(2, resume: dir)));
            Assert.Contains($"checkpoint weights '{pt}' cannot be read", e.Message);
            Assert.Contains("truncated", e.Message);
            Assert.Contains("best.pt", e.Message);
            Assert.IsAssignableFrom<Exception>(e.InnerException);
        });
    }

    [Fact]
    public void AGarbageOptimizerStateNamesTheFileAndDeletingItResumes()
    {
        InTemporaryFolder(dir =>
        {
            using (Fit(Options(1, dir)))
            {
            }
            string opt = Path.Combine(dir, "last.opt");
            File.WriteAllBytes(opt, Enumerable.Range(0, 300).Select(i => (byte)(i * 37)).ToArray());
            EditSidecar(dir, "last", n => n["OptimizerSha256"] = null);
            var e = Assert.Throws<InvalidDataException>(() => Fit(Options(2, resume: dir)));
            Assert.Contains($"optimizer state '{opt}'", e.Message);
            Assert.Contains($"Delete '{opt}'", e.Message);
            File.Delete(opt);
            using var resumed = Fit(Options(2, resume: dir));
            Assert.Equal(2, resumed.History.Single().Epoch);
        });
    }
}
