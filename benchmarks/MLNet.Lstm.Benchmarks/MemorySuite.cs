using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// Suite 3, memory: peak working set of the pipeline <c>Fit</c> on a 1,000,000-row 2-column series with window 49,
/// against <c>N·T·F·4</c> bytes (the windows as float32) and the target <c>1.5 × N·T·F·4 + baseline</c>, where the
/// baseline is a process with libtorch loaded and one small LSTM step run. Each measurement runs in a child process
/// (this program with the <c>memory-child</c> verb), so the peak (<c>VmHWM</c>) is its own.
/// </summary>
internal static class MemorySuite
{
    public const string ChildVerb = "memory-child";

    public static void Run(BenchmarkSettings s)
    {
        int rows = s.Quick ? 1_000 : 1_000_000;
        const int window = 49, features = 2;
        long windows = rows - window;
        long windowBytes = windows * window * features * 4L;

        s.Line($"### Memory: pipeline Fit on a {rows:N0}-row, {features}-column series, window {window}, LSTM 1×32, batch 256, 1 epoch (child processes, peak = VmHWM)");
        s.Line();
        long baseline = RunChild(new[] { "baseline" }, s);
        long? fit = RunChild(new[] { "fit", rows.ToString() }, s);
        double target = 1.5 * windowBytes + baseline;

        s.Line("| quantity | MiB |");
        s.Line("|---|---:|");
        s.Line($"| N·T·F·4 (N = {windows:N0} windows) | {Mib(windowBytes):F1} |");
        s.Line($"| baseline peak: process with libtorch loaded, one small LSTM forward | {Mib(baseline):F1} |");
        s.Line($"| target: 1.5 × N·T·F·4 + baseline | {Mib(target):F1} |");
        s.Line(fit is long peak
            ? $"| pipeline Fit peak | {Mib(peak):F1} (× target {peak / target:F2}) |"
            : $"| pipeline Fit peak | PENDING ({PipelineFit.MissingReason}) |");
        s.Line();
    }

    /// <summary>The memory suite's Fit: hidden 32, batch 256, one epoch.</summary>
    private static TrainingConfig FitConfig(int rows, int threads)
        => new(rows, 49, 2, Hidden: 32, Layers: 1, BatchSize: 256, Epochs: 1, LearningRate: 1e-3, Seed: 1, Threads: threads);

    private static double Mib(double bytes) => bytes / (1024.0 * 1024.0);

    /// <summary>Starts this program as a child with the memory verb and returns the peak it reports.</summary>
    private static long RunChild(string[] args, BenchmarkSettings s)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        string? processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "MLNet.Lstm.Benchmarks")
        {
            psi.FileName = processPath;
        }
        else
        {
            // In-process callers (the smoke test) run the benchmark assembly through the dotnet host.
            psi.FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
            psi.ArgumentList.Add("exec");
            psi.ArgumentList.Add(typeof(MemorySuite).Assembly.Location);
        }
        psi.ArgumentList.Add(ChildVerb);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--threads");
        psi.ArgumentList.Add(s.Threads.ToString());
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the child process");
        string text = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        foreach (var phase in text.Split('\n').Where(l => l.StartsWith("phase ", StringComparison.Ordinal)))
            s.Line($"<!-- {args[0]} {phase.Trim()} -->");
        var line = text.Split('\n').LastOrDefault(l => l.StartsWith("peak_bytes=", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"child {string.Join(' ', args)} exited {child.ExitCode} without a peak: {text}");
        return long.Parse(line["peak_bytes=".Length..].Trim());
    }

    /// <summary>The child: does the work named by <paramref name="args"/> and prints <c>peak_bytes=…</c>.</summary>
    public static int Child(string[] args, TextWriter output)
    {
        int threads = 1;
        int t = Array.IndexOf(args, "--threads");
        if (t >= 0)
            threads = int.Parse(args[t + 1]);
        TorchNativeLoader.EnsureLoaded();
        torch.set_num_threads(threads);
        switch (args[0])
        {
            case "baseline":
                using (var net = new TrainingSuite.Net(2, 8, 1))
                using (var x = torch.zeros(4, 49, 2))
                using (var yhat = net.forward(x))
                {
                    GC.KeepAlive(yhat);
                }
                break;
            case "fit":
            {
                int rows = int.Parse(args[1]);
                var config = FitConfig(rows, threads);
                var series = TrainingSuite.SyntheticSeries(rows, 2, seed: 1);
                int? collectInterval = Environment.GetEnvironmentVariable("MLNET_LSTM_BENCH_COLLECT") is { Length: > 0 } k ? int.Parse(k) : null;
                // Resident and peak memory after each trainer phase (diagnostic lines; the parent reads only peak_bytes).
                Action<MLNet.Lstm.Training.LstmFitEvents> observe = events => events.PhaseEnded += (phase, seconds) =>
                    output.WriteLine($"phase {phase}: {seconds:F2} s, VmRSS {Mib(Status("VmRSS:")):F0} MiB, VmHWM {Mib(PeakBytes()):F0} MiB");
                using var sampler = Environment.GetEnvironmentVariable("MLNET_LSTM_BENCH_SAMPLE") is { Length: > 0 } ms
                    ? new Timer(_ => output.WriteLine($"sample VmRSS {Mib(Status("VmRSS:")):F0} MiB, GC.GetTotalMemory {Mib(GC.GetTotalMemory(false)):F0} MiB, allocated so far {Mib(GC.GetTotalAllocatedBytes(false)):F0} MiB, gen0 GCs {GC.CollectionCount(0)}, gen2 {GC.CollectionCount(2)}"), null, 0, int.Parse(ms))
                    : null;
                PipelineFit.TryCreate(series, config, observe, collectInterval)!();
                break;
            }
            default:
                output.WriteLine($"unknown child verb '{args[0]}'");
                return 2;
        }
        output.WriteLine($"peak_bytes={PeakBytes()}");
        return 0;
    }

    /// <summary>A <c>/proc/self/status</c> field in bytes (0 where there is none).</summary>
    private static long Status(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            return 0;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0]) * 1024;
    }

    /// <summary>Peak resident set (<c>VmHWM</c> on Linux; the runtime's peak working set elsewhere).</summary>
    public static long PeakBytes()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0]) * 1024;
            }
        }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
