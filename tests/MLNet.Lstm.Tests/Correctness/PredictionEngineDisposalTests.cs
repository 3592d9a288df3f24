using Microsoft.ML;
using static MLNet.Lstm.Tests.Windows.WindowTestUtil;

namespace MLNet.Lstm.Tests.Correctness;

/// <summary>
/// ML.NET's <c>PredictionEngine.Dispose</c> disposes the chain it was created from (and so our LSTM transformer and
/// its ONNX Runtime session). Using the chain afterwards must be a clear <see cref="ObjectDisposedException"/> that
/// explains this, never a native crash or an ONNX Runtime error about empty names.
/// </summary>
public class PredictionEngineDisposalTests
{
    [Fact]
    public void AChainUsedAfterItsPredictionEngineWasDisposedGivesAClearObjectDisposedException()
    {
        var ml = new MLContext(seed: 1);
        var fitted = TinyChain.Get();
        // A chain of its own (reloaded from the zip), since this test disposes it.
        var model = ml.Forecasting.LoadModel(fitted.ZipPath);
        var rows = ml.Data.LoadFromEnumerable(new[] { new TinyChain.WindowInput { Window = TinyChain.Window(2) } });
        float before = Vectors(model.Transform(rows), "Score")[0][0];

        var engine = ml.Model.CreatePredictionEngine<TinyChain.WindowInput, TinyChain.ScoreOutput>(model);
        Assert.Equal(before, engine.Predict(new TinyChain.WindowInput { Window = TinyChain.Window(2) }).Score[0]);
        engine.Dispose();
        engine.Dispose(); // idempotent

        var batch = Assert.Throws<ObjectDisposedException>(() => Vectors(model.Transform(rows), "Score"));
        Assert.Contains("PredictionEngine.Dispose disposes the model", batch.Message);
        var single = Record.Exception(() =>
            ml.Model.CreatePredictionEngine<TinyChain.WindowInput, TinyChain.ScoreOutput>(model)
                .Predict(new TinyChain.WindowInput { Window = TinyChain.Window(2) }));
        Assert.IsType<ObjectDisposedException>(single);
    }
}
