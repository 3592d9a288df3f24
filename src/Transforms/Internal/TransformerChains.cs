using Microsoft.ML;

namespace MLNet.Lstm.Internal;

/// <summary>Walks fitted transformer chains (nested <c>TransformerChain</c>s included).</summary>
internal static class TransformerChains
{
    /// <summary>The transformers of <paramref name="transformer"/> that are not chains themselves, in order (the transformer itself when it is no chain).</summary>
    public static IEnumerable<ITransformer> Leaves(ITransformer transformer)
    {
        if (transformer is IEnumerable<ITransformer> chain)
            return chain.SelectMany(Leaves);
        return new[] { transformer };
    }
}
