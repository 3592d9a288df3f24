using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.Lstm.Tests.Samples;

namespace MLNet.Lstm.Tests.Onnx;

/// <summary>
/// Runs an ONNX graph with ONNX Runtime in a child process (this test assembly started by <c>dotnet</c> with the
/// arguments <c>score-onnx MODEL ROWS</c>), so that a graph that aborts the process (a native <c>terminate</c>) fails
/// the test instead of killing the test host. The child feeds every input <c>[ROWS, size]</c> (float inputs filled with
/// a ramp 1, 2, ..., string inputs with "A", integer inputs with 0) and prints one line per output:
/// <c>OUTPUT name [d0,d1,...] v0 v1 ...</c>, then <c>DONE</c>.
/// </summary>
internal static class OnnxChildProcess
{
    public const string Command = "score-onnx";

    /// <summary>Scores <paramref name="modelPath"/> on <paramref name="rows"/> rows in a child process.</summary>
    public static ProcessRunner.Result Score(string modelPath, int rows)
    {
        string dll = typeof(OnnxChildProcess).Assembly.Location;
        return ProcessRunner.Run("dotnet", new[] { dll, Command, modelPath, rows.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Path.GetDirectoryName(dll)!, TimeSpan.FromMinutes(2));
    }

    /// <summary>The child's entry point (see the class summary); returns the process exit code.</summary>
    public static int Run(string modelPath, int rows)
    {
        using var session = new InferenceSession(modelPath);
        var inputs = new List<NamedOnnxValue>();
        foreach (var (name, meta) in session.InputMetadata)
        {
            int size = meta.Dimensions.Length > 1 ? meta.Dimensions[1] : 1;
            var shape = new[] { rows, size };
            if (meta.ElementType == typeof(float))
                inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(Enumerable.Range(1, rows * size).Select(v => (float)v).ToArray(), shape)));
            else if (meta.ElementType == typeof(string))
                inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(Enumerable.Repeat("A", rows * size).ToArray(), shape)));
            else if (meta.ElementType == typeof(long))
                inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(new long[rows * size], shape)));
            else
                inputs.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(new int[rows * size], shape)));
        }
        using var results = session.Run(inputs);
        foreach (var r in results)
        {
            if (r.Value is not Tensor<float> t)
            {
                Console.WriteLine($"OUTPUT {r.Name} (not float)");
                continue;
            }
            Console.WriteLine($"OUTPUT {r.Name} [{string.Join(",", t.Dimensions.ToArray())}] {string.Join(" ", t.ToArray().Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}");
        }
        Console.WriteLine("DONE");
        return 0;
    }
}
