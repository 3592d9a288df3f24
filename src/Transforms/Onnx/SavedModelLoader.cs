using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Loads a model zip as a chain of our own fitted transformers (<c>mlContext.Forecasting.LoadModel</c>): the zip is
/// checked (<see cref="SavedModelArchive"/>), loaded with stock <c>mlContext.Model.Load</c>, every step one of our
/// components saved is rebuilt from its graph (<see cref="SavedTransformers"/>), and the rebuilt steps are
/// cross-checked (<see cref="SavedChainChecks"/>); other steps and the chain's scopes stay as ML.NET loaded them.
/// </summary>
/// <remarks>
/// Recognised forms: <c>SlidingWindow</c> and <c>NormalizeWindows</c> save as <c>[OnnxTransformer,
/// ColumnCopyingTransformer, ColumnSelectingTransformer]</c> whose graph carries their <c>mlnet_lstm.format</c>; the
/// LSTM as one <c>OnnxTransformer</c> of format <c>LstmForecaster</c>.
/// </remarks>
internal static class SavedModelLoader
{
    /// <summary>Reads the file once into memory (so the checks and the load see the same bytes) and loads it.</summary>
    public static ITransformer LoadFile(string path, OnnxScoringOptions scoring, out DataViewSchema inputSchema)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The model file '{path}' does not exist. Save a model with mlContext.Model.Save first.", path);
        return Load(File.ReadAllBytes(path), $"model '{path}'", scoring, out inputSchema);
    }

    /// <summary>Copies the stream from its current position to its end, then loads it.</summary>
    public static ITransformer LoadStream(Stream stream, OnnxScoringOptions scoring, out DataViewSchema inputSchema)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Load(copy.ToArray(), "model stream", scoring, out inputSchema);
    }

    public static ITransformer Load(byte[] zip, string description, OnnxScoringOptions scoring, out DataViewSchema inputSchema)
    {
        var archive = SavedModelArchive.Read(zip, description);
        ITransformer stock;
        try
        {
            stock = new MLContext().Model.Load(new MemoryStream(zip, writable: false), out inputSchema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"ML.NET could not load the {description}: {e.Message}. Restore the file from a good copy, or save the model again.", e);
        }
        var state = new RebuildState(archive, scoring);
        try
        {
            var model = Rebuild(stock, RootFolder(stock, archive), state);
            SavedChainChecks.Check(state.Steps, description);
            foreach (var replaced in state.Replaced)
                (replaced as IDisposable)?.Dispose();
            return model;
        }
        catch
        {
            foreach (var created in state.Steps.Select(s => s.Transformer))
                (created as IDisposable)?.Dispose();
            (stock as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>A rebuilt step and the graph it came from, in chain order.</summary>
    internal sealed record Step(ITransformer Transformer, SavedGraph Graph);

    private sealed class RebuildState
    {
        public RebuildState(SavedModelArchive archive, OnnxScoringOptions scoring)
        {
            Archive = archive;
            Scoring = scoring;
        }

        public SavedModelArchive Archive { get; }

        /// <summary>Where the rebuilt LSTM scores (CPU, or ONNX Runtime's CUDA provider).</summary>
        public OnnxScoringOptions Scoring { get; }

        public List<Step> Steps { get; } = new();

        public List<ITransformer> Replaced { get; } = new();
    }

    /// <summary>
    /// The folder of the loaded root: <c>TransformerChain</c>, or below it through chains of one step (the wrapper of
    /// a zip saved with a data loader, which <c>Model.Load</c> unwraps), to the first folder whose number of steps
    /// matches the loaded transformer.
    /// </summary>
    private static string RootFolder(ITransformer loaded, SavedModelArchive archive)
    {
        string folder = SavedModelArchive.RootFolder;
        while (!Matches(loaded, folder, archive) && archive.ChildCount(folder) == 1)
            folder = SavedModelArchive.ChildFolder(folder, 0);
        return folder;
    }

    private static bool Matches(ITransformer loaded, string folder, SavedModelArchive archive) =>
        archive.ChildCount(folder) == (loaded is TransformerChain<ITransformer> chain ? chain.Count() : 0);

    private static ITransformer Rebuild(ITransformer loaded, string folder, RebuildState state)
    {
        // A step whose saved folder does not have the loaded structure is left as ML.NET loaded it (never guessed).
        if (!Matches(loaded, folder, state.Archive))
            return loaded;
        var ours = Recognise(loaded, folder, state.Archive, state.Scoring);
        if (ours is not null)
        {
            state.Steps.Add(ours);
            state.Replaced.Add(loaded);
            return ours.Transformer;
        }
        if (loaded is not TransformerChain<ITransformer> chain)
            return loaded;
        var parts = chain.ToArray();
        var rebuilt = parts.Select((p, i) => Rebuild(p, SavedModelArchive.ChildFolder(folder, i), state)).ToArray();
        if (rebuilt.SequenceEqual(parts))
            return loaded;
        var scopes = parts.Select(p => ScopeOf(chain, p)).ToArray();
        return new TransformerChain<ITransformer>(rebuilt, scopes);
    }

    private static Step? Recognise(ITransformer loaded, string folder, SavedModelArchive archive, OnnxScoringOptions scoring)
    {
        if (loaded is OnnxTransformer && archive.Graphs.TryGetValue(folder, out var lstm) && lstm.Metadata.Format == LstmScoringLayout.OnnxFormat)
            return new Step(SavedTransformers.Lstm(lstm, scoring), lstm);
        if (loaded is TransformerChain<ITransformer> chain
            && chain.Count() == 3
            && chain.ElementAt(0) is OnnxTransformer
            && chain.ElementAt(1) is ColumnCopyingTransformer
            && chain.ElementAt(2) is ColumnSelectingTransformer
            && archive.Graphs.TryGetValue(SavedModelArchive.ChildFolder(folder, 0), out var graph))
        {
            if (graph.Metadata.Format == SlidingWindowTransformer.OnnxFormat)
                return new Step(SavedTransformers.SlidingWindow(graph), graph);
            if (graph.Metadata.Format == NormalizeWindowsTransformer.OnnxFormat)
                return new Step(SavedTransformers.NormalizeWindows(graph), graph);
        }
        return null;
    }

    /// <summary>The scope of a chain's step, read back through the public <c>GetModelFor</c>.</summary>
    private static TransformerScope ScopeOf(TransformerChain<ITransformer> chain, ITransformer part)
    {
        var scope = TransformerScope.None;
        foreach (var s in new[] { TransformerScope.Training, TransformerScope.Testing, TransformerScope.Scoring })
        {
            if (chain.GetModelFor(s).Any(t => ReferenceEquals(t, part)))
                scope |= s;
        }
        return scope;
    }
}
