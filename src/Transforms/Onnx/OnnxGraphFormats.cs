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
    /// <see cref="SeriesScaling"/>), written only by those modes: the per-window modes still write version 3, byte for
    /// byte as before. Earlier versions still load and score as they were saved.
    /// </remarks>
    public static class NormalizeWindows
    {
        /// <summary>The <c>mlnet_lstm.format</c> of the graph.</summary>
        public const string Name = "NormalizeWindows";

        /// <summary>The newest <c>mlnet_lstm.version</c> of the graph (written by the series-level modes).</summary>
        public const int Version = 4;

        /// <summary>The version the per-window modes write (their graph form is that of version 3).</summary>
        public const int PerWindowVersion = 3;
    }

    /// <summary>The graph of the LSTM network (written by the trainer's exporter, scored by <c>LstmForecastingTransformer</c>).</summary>
    /// <remarks>
    /// 2 since the graph turns a non-finite input into a NaN Score (version 1 could score such a window as a number);
    /// 3 adds <c>mlnet_lstm.cell</c> (GRU layers), the optional future covariate input (<c>mlnet_lstm.future_column</c>,
    /// <c>mlnet_lstm.future_size</c>) and seed ensembles (<c>mlnet_lstm.ensemble_size</c>, member networks prefixed
    /// <c>m{i}_</c>, averaged); a version-2 graph reads as a single LSTM without future covariates. Version 3 also adds
    /// quantile and conformal models: the outputs <c>LowerBound</c>, <c>UpperBound</c> (and <c>Quantiles</c>) with the
    /// metadata <c>mlnet_lstm.quantile_levels</c>, <c>.conformal_level</c>, <c>.interval_level</c> and the initializer
    /// <c>conformal_width</c>; a plain point LSTM without future covariates or ensemble still writes version 2 (its
    /// graph is unchanged). Version 4 adds seasonal networks (<c>SeasonalPeriod</c>): the layers read the window's
    /// seasonal differences and the head's output gets the seasonal-naive value added, metadata
    /// <c>mlnet_lstm.seasonal_period</c> and <c>mlnet_lstm.seasonal_input</c> (a version-3 reader would read such
    /// weights as a plain network's); only seasonal graphs write it, every other graph keeps the version it had.
    /// Readers of saved graphs check against <see cref="Version"/>.
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
