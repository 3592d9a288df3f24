namespace MLNet.Lstm.Onnx;

/// <summary>
/// The formats of the three ONNX graphs a saved model holds, in one place: each graph's <c>mlnet_lstm.format</c>
/// (its name) and <c>mlnet_lstm.version</c>, with the history of the versions. Writers stamp these values; the
/// loaders (<see cref="SavedTransformers"/>, <see cref="SavedModelLoader"/>) refuse a graph of a newer version. The
/// components' own constants (<c>SlidingWindowTransformer.OnnxFormat</c>, <c>NormalizeWindowsTransformer.OnnxFormat</c>,
/// <c>LstmScoringLayout.OnnxFormat</c> and their versions) are these values.
/// </summary>
internal static class OnnxGraphFormats
{
    /// <summary>The graph of a saved <c>SlidingWindowTransformer</c>: an <c>Identity</c> on the window column whose metadata holds the parameters.</summary>
    /// <remarks>Version 2 adds the optional <c>mlnet_lstm.series_column</c>, <c>mlnet_lstm.future_covariate_columns</c>
    /// and <c>mlnet_lstm.future_column</c> entries (absent in version 1: one series, no future covariates).</remarks>
    public static class SlidingWindow
    {
        /// <summary>The <c>mlnet_lstm.format</c> of the graph.</summary>
        public const string Name = "SlidingWindow";

        /// <summary>The <c>mlnet_lstm.version</c> of the graph.</summary>
        public const int Version = 2;
    }

    /// <summary>The graph of a saved <c>NormalizeWindowsTransformer</c>: the normalised window and the shift and scale columns.</summary>
    /// <remarks>
    /// 2 gives NaN for windows that cannot be normalised (version 1 gave ±∞ for a zero base and could turn NaN into a
    /// number); 3 sums ZScore's mean and variance in float32 in time order (Split + Adds), as the C# kernel does, so
    /// that the two agree bitwise; 4 adds the series-level modes (a key input and fitted tables, see
    /// <see cref="SeriesScaling"/>), written only by those modes; 5, written by MinMax and ZScore, reports scale 0 for a
    /// window without spread (so the LSTM's inverse forecasts its level) and computes ZScore's deviation as
    /// <c>a · sqrt(mean((c / a)²))</c>, a = max |c|, without underflow. None, RelativeToFirst and RelativeToLast still
    /// write version 3, byte for byte as before. Earlier versions still load (<c>LoadModel</c> rebuilds the transformer,
    /// which computes as this version does; the stock <c>Model.Load</c> runs the saved graph as it was saved).
    /// </remarks>
    public static class NormalizeWindows
    {
        /// <summary>The <c>mlnet_lstm.format</c> of the graph.</summary>
        public const string Name = "NormalizeWindows";

        /// <summary>The newest <c>mlnet_lstm.version</c> of the graph (written by MinMax and ZScore).</summary>
        public const int Version = 5;

        /// <summary>The version None, RelativeToFirst and RelativeToLast write (their graph form is that of version 3).</summary>
        public const int PerWindowVersion = 3;

        /// <summary>The version the series-level modes write (their graph form is that of version 4).</summary>
        public const int SeriesLevelVersion = 4;
    }

    /// <summary>The graph of the LSTM network (written by the trainer's exporter, scored by <c>LstmForecastingTransformer</c>).</summary>
    /// <remarks>
    /// Version history: 2, a non-finite input scores NaN; 3, GRU cells (<c>mlnet_lstm.cell</c>), future covariates
    /// (<c>.future_column</c>, <c>.future_size</c>), seed ensembles (<c>.ensemble_size</c>, members prefixed <c>m{i}_</c>)
    /// and interval outputs (<c>LowerBound</c>, <c>UpperBound</c>, <c>Quantiles</c>; <c>.quantile_levels</c>,
    /// <c>.conformal_level</c>, <c>.interval_level</c>, initializer <c>conformal_width</c>); 4, seasonal networks
    /// (<c>.seasonal_period</c>, <c>.seasonal_input</c>). Each graph writes the lowest version that holds it, so a plain
    /// point LSTM still writes 2. Readers check against <see cref="Version"/>. docs/trainer.md, 'Persistence format'.
    /// </remarks>
    public static class LstmForecaster
    {
        /// <summary>The <c>mlnet_lstm.format</c> of the graph.</summary>
        public const string Name = "LstmForecaster";

        /// <summary>The newest <c>mlnet_lstm.version</c> of the graph (written by seasonal networks).</summary>
        public const int Version = 4;

        /// <summary>The version of graphs with GRU cells, future covariates, ensembles or bounds, and no seasonal period.</summary>
        public const int ExtendedVersion = 3;
    }
}
