using System.Net.Http.Json;
using System.Security.Cryptography;
using ForecastService;

namespace MLNet.Lstm.Tests.Service;

/// <summary>
/// The service's reload paths by their counters (<see cref="ModelHost.FileReads"/>, <see cref="ModelHost.ModelLoads"/>):
/// a change of the file's timestamp without a change of content is read once and loads nothing; restoring the served
/// file (its content, timestamp and length) after a broken one clears the reload error; and a seeded random sequence
/// of touches, identical copies, swaps, corrupt files and restores always ends in the state the rules predict.
/// </summary>
[Collection(ServiceCollection.Name)]
public class ServiceReloadPathTests(ServiceModels models)
{
    /// <summary>Polls (100 ms apart in the tests) that must pass without another read once a change was handled.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(600);

    [Fact]
    public async Task TouchingOrCopyingTheSameContentReadsTheFileOnceAndLoadsNothing()
    {
        using var service = models.Start(models.ZipA);
        var host = service.Host;
        Assert.Equal((1, 1), (host.FileReads, host.ModelLoads));

        File.SetLastWriteTimeUtc(service.ModelPath, DateTime.UtcNow.AddMinutes(1));   // touch
        await WaitForReadsAsync(host, 2);
        await Task.Delay(Quiet);
        Assert.Equal((2, 1), (host.FileReads, host.ModelLoads)); // before the fix: one more read and load per poll, forever

        WriteAndRename(service.ModelPath, await File.ReadAllBytesAsync(models.ZipA), DateTime.UtcNow.AddMinutes(2)); // an identical copy
        await WaitForReadsAsync(host, 3);
        await Task.Delay(Quiet);
        Assert.Equal((3, 1), (host.FileReads, host.ModelLoads));
        var health = await service.HealthAsync();
        Assert.Equal((1, "Healthy"), (health.Model.Generation, health.Status));
        var answer = await (await service.Client.PostAsJsonAsync("/forecast", models.Request())).Content.ReadFromJsonAsync<ForecastResponse>();
        Assert.Equal(models.ForecastA, answer!.Forecast);
    }

    [Fact]
    public async Task RestoringTheServedFileAfterACorruptOneClearsTheReloadError()
    {
        using var service = models.Start(models.ZipA);
        var host = service.Host;
        var served = new FileInfo(service.ModelPath);
        var (time, length) = (served.LastWriteTimeUtc, served.Length);
        var good = await File.ReadAllBytesAsync(models.ZipA);

        WriteAndRename(service.ModelPath, good[..(good.Length / 2)], time.AddMinutes(1));
        var degraded = await service.WaitForAsync(h => h.LastReloadError is not null, "a reload error");
        Assert.Equal(("Degraded", 1), (degraded.Status, degraded.Model.Generation));
        Assert.Equal(2, host.ModelLoads);

        // The good file back, with the served generation's timestamp and length: nothing to load, but the error is stale.
        WriteAndRename(service.ModelPath, good, time);
        Assert.Equal((time, length), (new FileInfo(service.ModelPath).LastWriteTimeUtc, new FileInfo(service.ModelPath).Length));
        var healthy = await service.WaitForAsync(h => h.LastReloadError is null, "the reload error cleared");
        Assert.Equal(("Healthy", 1), (healthy.Status, healthy.Model.Generation));
        await Task.Delay(Quiet);
        Assert.Equal((3, 2), (host.FileReads, host.ModelLoads)); // read once to compare its hash, not loaded
        var answer = await (await service.Client.PostAsJsonAsync("/forecast", models.Request())).Content.ReadFromJsonAsync<ForecastResponse>();
        Assert.Equal(models.ForecastA, answer!.Forecast);
    }

    private enum Change { Touch, IdenticalCopy, OtherModel, Corrupt, RestoreServed }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task RandomChangesOfTheModelFileEndInThePredictedState(int seed)
    {
        var random = new Random(seed);
        var zips = new[] { await File.ReadAllBytesAsync(models.ZipA), await File.ReadAllBytesAsync(models.ZipB) };
        var forecasts = new[] { models.ForecastA, models.ForecastB };
        using var service = models.Start(models.ZipA);
        var host = service.Host;
        // What the rules predict: the served content (index into zips), its file state, a pending failed file state.
        int servedZip = 0, generation = 1, reads = 1, loads = 1;
        var servedState = Stamp(service.ModelPath);
        (DateTime, long)? failedState = null;
        byte[] onDisk = zips[0];
        var clock = DateTime.UtcNow.AddHours(1);
        var log = new List<string>();

        for (int step = 0; step < 12; step++)
        {
            var change = (Change)random.Next(5);
            clock = clock.AddSeconds(2);
            switch (change)
            {
                case Change.Touch:
                    File.SetLastWriteTimeUtc(service.ModelPath, clock);
                    break;
                case Change.IdenticalCopy:
                    onDisk = zips[servedZip];
                    WriteAndRename(service.ModelPath, onDisk, clock);
                    break;
                case Change.OtherModel:
                    onDisk = zips[1 - servedZip];
                    WriteAndRename(service.ModelPath, onDisk, clock);
                    break;
                case Change.Corrupt:
                    onDisk = random.Next(2) == 0 ? zips[servedZip][..random.Next(1, zips[servedZip].Length)] : RandomBytes(random, 100 + random.Next(5000));
                    WriteAndRename(service.ModelPath, onDisk, clock);
                    break;
                case Change.RestoreServed:
                    onDisk = zips[servedZip];
                    WriteAndRename(service.ModelPath, onDisk, servedState.Item1);
                    break;
            }
            log.Add($"{step}: {change}");
            var state = Stamp(service.ModelPath);
            bool read = failedState is { } failed ? state != failed : state != servedState;
            if (read)
            {
                reads++;
                int zip = Array.FindIndex(zips, z => z.AsSpan().SequenceEqual(onDisk));
                if (zip == servedZip)
                {
                    failedState = null;
                    servedState = state;
                }
                else if (zip >= 0)
                {
                    (loads, generation, servedZip, servedState, failedState) = (loads + 1, generation + 1, zip, state, null);
                }
                else
                {
                    (loads, failedState) = (loads + 1, state);
                }
            }
            await WaitForReadsAsync(host, reads, string.Join(", ", log));
            await Task.Delay(Quiet);
            var health = await service.HealthAsync();
            string where = $"seed {seed}, {string.Join(", ", log)}";
            Assert.True((reads, loads) == (host.FileReads, host.ModelLoads), $"{where}: expected {reads} reads and {loads} loads, saw {host.FileReads} and {host.ModelLoads}");
            Assert.True(generation == health.Model.Generation, $"{where}: expected generation {generation}, health {health}");
            Assert.True((failedState is null ? "Healthy" : "Degraded") == health.Status, $"{where}: health {health}");
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(zips[servedZip])), health.Model.Sha256);
        }
        var answer = await (await service.Client.PostAsJsonAsync("/forecast", models.Request())).Content.ReadFromJsonAsync<ForecastResponse>();
        Assert.Equal(forecasts[servedZip], answer!.Forecast);
    }

    private static (DateTime, long) Stamp(string path)
    {
        var info = new FileInfo(path);
        return (info.LastWriteTimeUtc, info.Length);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes a temporary file with the given timestamp and renames it over the path (one change of the file).</summary>
    private static void WriteAndRename(string path, byte[] content, DateTime lastWriteTimeUtc)
    {
        string temp = path + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, content);
        File.SetLastWriteTimeUtc(temp, lastWriteTimeUtc);
        File.Move(temp, path, overwrite: true);
    }

    private static async Task WaitForReadsAsync(ModelHost host, int reads, string what = "")
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (host.FileReads < reads)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The service read the model file {host.FileReads} times, not {reads}, within 30 s. {what}");
            await Task.Delay(10);
        }
    }
}
