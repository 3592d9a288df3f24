namespace MLNet.Lstm.Training;

/// <summary>
/// Collaborator of the epoch loop: a young-generation collection every <see cref="TorchDeviceOptions.FinalizerCollectInterval"/>
/// batches (0 or less: never).
/// </summary>
/// <remarks>
/// TorchSharp's optimizers convert doubles to <c>Scalar</c>s implicitly in every step and never dispose them
/// (dotnet/TorchSharp#1496): their small native blocks are freed only by finalizers. On glibc they land above the
/// batch's large freed activation buffers and keep the heap from reusing or trimming them, so the resident set grows
/// by about one batch's activations per batch until the next GC (2.1 GB peak on the 1,000,000-row benchmark, see
/// docs/benchmarks.md), and every batch then works in freshly faulted pages (several times slower). A
/// young-generation collection after every batch frees them; it costs well under a millisecond and changes no
/// numbers.
/// </remarks>
internal sealed class BatchCollector
{
    /// <summary>The default of <see cref="TorchDeviceOptions.FinalizerCollectInterval"/>: a young-generation collection after every batch.</summary>
    public const int DefaultInterval = 1;

    private static int _collections;
    private readonly int _interval;
    private int _batchesSinceCollect;

    public BatchCollector(int interval) => _interval = interval;

    /// <summary>Counts a finished batch and collects when the interval is reached.</summary>
    public void AfterBatch()
    {
        if (_interval > 0 && ++_batchesSinceCollect >= _interval)
        {
            _batchesSinceCollect = 0;
            CollectImplicitScalars();
        }
    }

    private static void CollectImplicitScalars()
    {
        // Generation 0 is enough: the step's Scalars are dead here, so this GC queues their finalizers, which free the
        // native blocks on the finalizer thread (not waited for).
        GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);
        // Where the heap thresholds are tuned for training (NativeHeap), freed batch buffers are meant to stay for the
        // next batch: trimming them would fault them back in. Otherwise return the free pages now and then.
        if (Interlocked.Increment(ref _collections) % 128 == 0 && !NativeHeap.IsTunedForTraining)
            NativeHeap.Trim();
    }
}
