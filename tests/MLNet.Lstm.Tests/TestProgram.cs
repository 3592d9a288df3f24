using System.Globalization;
using MLNet.Lstm.Tests.Onnx;

namespace MLNet.Lstm.Tests;

/// <summary>
/// The test assembly's entry point, used only when a test starts this assembly as a child process (the test runner
/// does not call it): <c>score-onnx MODEL ROWS</c> (<see cref="OnnxChildProcess"/>).
/// </summary>
public static class TestProgram
{
    public static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == OnnxChildProcess.Command)
            return OnnxChildProcess.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
        Console.Error.WriteLine($"usage: MLNet.Lstm.Tests {OnnxChildProcess.Command} MODEL ROWS");
        return 2;
    }
}
