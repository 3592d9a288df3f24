using Microsoft.ML.Data;

namespace MLNet.Lstm;

/// <summary>
/// The windows <see cref="WindowScorer"/> scores in one model call: T·F values per window (time-major), and, when the
/// model reads them, the h·C known-future covariates and the series key of each window.
/// </summary>
/// <param name="Windows">One array of T·F values per window.</param>
internal sealed record WindowBatch(float[][] Windows)
{
    /// <summary>One array of h·C known-future values per window (time-major), or null when the model reads none.</summary>
    public float[][]? Futures { get; init; }

    /// <summary>The series key of each window (as text), or null for a model without a series key.</summary>
    public string[]? Keys { get; init; }

    /// <summary>The type of the data's key column (text or an integer), which the model's input takes back; null without keys.</summary>
    public DataViewType? KeyType { get; init; }

    /// <summary>The number of windows.</summary>
    public int Count => Windows.Length;
}
