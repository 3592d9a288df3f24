using Microsoft.ML;

namespace StockForecast;

/// <summary>
/// An estimator whose Fit returns a model fitted before (the sample's backtest fits once on the training rows, which
/// the sample has already done). Use it only when the model was fitted on exactly the rows the caller passes.
/// </summary>
internal sealed class AlreadyFitted(Func<ITransformer> model) : IEstimator<ITransformer>
{
    public ITransformer Fit(IDataView input) => model();

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => throw new NotSupportedException("AlreadyFitted has no schema propagation; call Fit.");
}
