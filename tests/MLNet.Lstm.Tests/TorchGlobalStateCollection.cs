namespace MLNet.Lstm.Tests;

/// <summary>Tests that use torch's process-wide state (the default random generator, the thread count) run in this
/// collection, one at a time and not in parallel with other collections, so that seeds and thread counts they set
/// are not disturbed.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalStateCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Torch global state";
}
