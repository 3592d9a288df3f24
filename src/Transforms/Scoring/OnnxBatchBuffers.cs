using Microsoft.ML.OnnxRuntime;

namespace MLNet.Lstm.Scoring;

/// <summary>
/// Per-cursor (or per-row) input and output buffers of a fixed row capacity, wrapped once in ONNX Runtime
/// <see cref="OrtValue"/>s that point at the managed arrays (no copies), and one <see cref="RunOptions"/>.
/// <see cref="Run"/> scores the first <c>n</c> rows; a partial batch uses short-lived values over the same arrays.
/// Not thread-safe: each cursor owns one.
/// </summary>
internal sealed class OnnxBatchBuffers : IDisposable
{
    private readonly OnnxBatchScorer _scorer;
    private readonly OrtValue[] _fullInputs;
    private readonly OrtValue[] _fullOutputs;
    private readonly RunOptions _runOptions = new();

    public OnnxBatchBuffers(OnnxBatchScorer scorer, int capacity)
    {
        _scorer = scorer;
        Capacity = capacity;
        InputBuffers = scorer.Inputs.Select(i => new float[checked(capacity * i.Size)]).ToArray();
        OutputBuffers = scorer.Outputs.Select(o => new float[checked(capacity * o.Size)]).ToArray();
        _fullInputs = CreateValues(capacity, inputs: true);
        _fullOutputs = CreateValues(capacity, inputs: false);
    }

    /// <summary>Rows the buffers hold.</summary>
    public int Capacity { get; }

    /// <summary>Row-major input values, one array per graph input (<c>Capacity × size</c>).</summary>
    public float[][] InputBuffers { get; }

    /// <summary>Row-major output values, one array per graph output (<c>Capacity × size</c>).</summary>
    public float[][] OutputBuffers { get; }

    /// <summary>Runs the graph on the first <paramref name="rows"/> rows of the input buffers.</summary>
    public void Run(int rows)
    {
        if (rows <= 0)
            return;
        if (rows == Capacity)
        {
            _scorer.Session.Run(_runOptions, _scorer.InputGraphNames, _fullInputs, _scorer.OutputGraphNames, _fullOutputs);
            return;
        }
        var inputs = CreateValues(rows, inputs: true);
        var outputs = CreateValues(rows, inputs: false);
        try
        {
            _scorer.Session.Run(_runOptions, _scorer.InputGraphNames, inputs, _scorer.OutputGraphNames, outputs);
        }
        finally
        {
            foreach (var v in inputs)
                v.Dispose();
            foreach (var v in outputs)
                v.Dispose();
        }
    }

    private OrtValue[] CreateValues(int rows, bool inputs)
    {
        var buffers = inputs ? InputBuffers : OutputBuffers;
        var values = new OrtValue[buffers.Length];
        for (int i = 0; i < buffers.Length; i++)
        {
            var shape = Shape(inputs ? _scorer.Session.InputMetadata[_scorer.InputGraphNames[i]].Dimensions
                                     : _scorer.Session.OutputMetadata[_scorer.OutputGraphNames[i]].Dimensions, rows);
            int size = inputs ? _scorer.Inputs[i].Size : _scorer.Outputs[i].Size;
            values[i] = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, new Memory<float>(buffers[i], 0, rows * size), shape);
        }
        return values;
    }

    private static long[] Shape(int[] dims, int rows)
    {
        var shape = new long[dims.Length];
        shape[0] = rows;
        for (int d = 1; d < dims.Length; d++)
            shape[d] = dims[d];
        return shape;
    }

    public void Dispose()
    {
        foreach (var v in _fullInputs)
            v.Dispose();
        foreach (var v in _fullOutputs)
            v.Dispose();
        _runOptions.Dispose();
    }
}
