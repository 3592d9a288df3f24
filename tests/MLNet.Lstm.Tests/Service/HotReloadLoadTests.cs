using System.Net.Http.Json;
using System.Security.Cryptography;
using ForecastService;

namespace MLNet.Lstm.Tests.Service;

/// <summary>
/// 8 concurrent clients × 1,000 requests in-process while the model file is replaced 5 times (written to a temporary
/// name and renamed over the watched path, alternating two different models): no request fails, and every answer is
/// exactly the forecast of the model it names (so never a mix of the two), which is model A's or model B's. One step per
/// request keeps the test to seconds (a step's value does not depend on how many follow it).
/// </summary>
[Collection(ServiceCollection.Name)]
public class HotReloadLoadTests(ServiceModels models)
{
    private const int Clients = 8;
    private const int RequestsPerClient = 1000;
    private const int Swaps = 5;
    private const int Segments = Swaps + 2; // swap k starts after k/7 of the traffic and ends before (k+1)/7 of a client's

    [Fact]
    public async Task SwappingTheModelFiveTimesUnderLoadFailsNoRequestAndMixesNoModels()
    {
        using var service = models.Start(models.ZipA);
        var zips = new[] { await File.ReadAllBytesAsync(models.ZipA), await File.ReadAllBytesAsync(models.ZipB) };
        // The service names the SHA-256 of the zip it answered with: each answer must be that model's forecast.
        var expected = new Dictionary<string, float[]>
        {
            [Convert.ToHexStringLower(SHA256.HashData(zips[0]))] = models.ForecastA[..1],
            [Convert.ToHexStringLower(SHA256.HashData(zips[1]))] = models.ForecastB[..1],
        };
        int completed = 0, generation = 1;
        var failures = new List<string>();
        var answeredBy = new int[Swaps + 2];

        async Task Client()
        {
            for (int i = 0; i < RequestsPerClient; i++)
            {
                // At the start of segment j a client waits for swap j-1 to be served, so every swap overlaps traffic.
                for (int j = 2; j < Segments; j++)
                {
                    if (i == j * RequestsPerClient / Segments)
                    {
                        while (Volatile.Read(ref generation) < j)
                            await Task.Delay(1);
                    }
                }
                try
                {
                    var response = await service.Client.PostAsJsonAsync("/forecast", models.Request(steps: 1));
                    var body = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode)
                        throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
                    var answer = System.Text.Json.JsonSerializer.Deserialize<ForecastResponse>(body, System.Text.Json.JsonSerializerOptions.Web)!;
                    expected.TryGetValue(answer.Model.Sha256, out var want);
                    if (want is null || !want.SequenceEqual(answer.Forecast))
                        throw new InvalidOperationException($"generation {answer.Model.Generation} answered {string.Join(",", answer.Forecast)}, expected {string.Join(",", want ?? [])}");
                    Interlocked.Increment(ref answeredBy[answer.Model.Generation]);
                }
                catch (Exception e)
                {
                    lock (failures)
                        failures.Add(e.Message);
                }
                Interlocked.Increment(ref completed);
            }
        }

        async Task Swapper()
        {
            for (int k = 1; k <= Swaps; k++)
            {
                while (Volatile.Read(ref completed) < k * Clients * RequestsPerClient / Segments)
                    await Task.Delay(1);
                var health = await service.HealthAsync();
                Assert.Equal(k, health.Model.Generation);
                ServiceModels.Replace(service.ModelPath, zips[k % 2]);
                var swapped = await service.WaitForAsync(h => h.Model.Generation == k + 1 || h.LastReloadError is not null, $"generation {k + 1}");
                Assert.Null(swapped.LastReloadError);
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(zips[k % 2])), swapped.Model.Sha256);
                Volatile.Write(ref generation, k + 1);
            }
        }

        var tasks = Enumerable.Range(0, Clients).Select(_ => Task.Run(Client)).Append(Task.Run(Swapper)).ToArray();
        await Task.WhenAll(tasks);

        Assert.True(failures.Count == 0, $"{failures.Count} failed request(s), e.g. {failures.FirstOrDefault()}");
        Assert.Equal(Clients * RequestsPerClient, answeredBy.Sum());
        // Every generation answered some requests (each swap happened under load).
        Assert.All(Enumerable.Range(1, Swaps + 1), g => Assert.True(answeredBy[g] > 0, $"generation {g} answered no request"));
        var final = await service.WaitForAsync(h => h.RetiredGenerationsInUse == 0, "every replaced model disposed");
        Assert.Equal((Swaps + 1, "Healthy"), (final.Model.Generation, final.Status));
    }
}
