using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Internal;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Rebuilds our fitted transformers from their saved graphs and <c>mlnet_lstm.*</c> metadata (the formats are
/// documented where each component writes them: <see cref="SlidingWindowTransformer.Save"/>,
/// <see cref="NormalizeWindowsTransformer.Save"/> and the trainer's ONNX exporter). Each graph's metadata is checked
/// against the graph itself (input and output shapes, initializers); a mismatch names the file, the entry and the value.
/// </summary>
internal static class SavedTransformers
{
    /// <summary>The window transform; its graph is the Reshape <c>{window} [N, T·F] → {window}.sliding_window [N, T, F]</c>.</summary>
    public static SlidingWindowTransformer SlidingWindow(SavedGraph graph)
    {
        var m = graph.Metadata;
        m.RequireVersion(SlidingWindowTransformer.OnnxFormatVersion);
        var options = new SlidingWindowEstimator.Options
        {
            InputColumnNames = m.StringArray("mlnet_lstm.input_columns"),
            WindowSize = m.Int("mlnet_lstm.window_size", 1),
            Horizon = m.Int("mlnet_lstm.horizon", 1),
            Stride = m.Int("mlnet_lstm.stride", 1),
            OutputColumnName = m.String("mlnet_lstm.output_column"),
            LabelColumnName = m.String("mlnet_lstm.label_column"),
            TargetColumnName = m.String("mlnet_lstm.target_column"),
            IncludeUnlabeledTrailingWindows = m.Bool("mlnet_lstm.include_unlabeled_trailing_windows"),
            SkipNonFiniteWindows = m.Bool("mlnet_lstm.skip_non_finite_windows"),
            // Version 2 entries; absent in version 1 graphs (one series, no future covariates).
            SeriesColumnName = m.OptionalString("mlnet_lstm.series_column"),
            FutureCovariateColumnNames = m.Contains("mlnet_lstm.future_covariate_columns") ? m.StringArray("mlnet_lstm.future_covariate_columns") : null,
        };
        if (options.FutureCovariateColumnNames is not null)
            options.FutureColumnName = m.String("mlnet_lstm.future_column");
        if (!options.InputColumnNames.Contains(options.TargetColumnName, StringComparer.Ordinal))
        {
            throw m.Error($"names target column '{options.TargetColumnName}' (mlnet_lstm.target_column), which is not one of its input columns " +
                $"{string.Join(", ", options.InputColumnNames)} (mlnet_lstm.input_columns)");
        }
        int t = options.WindowSize, f = options.InputColumnNames.Length;
        graph.RequireShape(true, options.OutputColumnName, checked(t * f));
        graph.RequireShape(false, options.OutputColumnName + ".sliding_window", t, f);
        return Checked(m, () => new SlidingWindowTransformer(options));
    }

    /// <summary>The per-window normalisation, computed as a fitted one computes it.</summary>
    public static NormalizeWindowsTransformer NormalizeWindows(SavedGraph graph)
    {
        var m = graph.Metadata;
        int version = m.RequireVersion(NormalizeWindowsTransformer.OnnxFormatVersion);
        string modeText = m.String("mlnet_lstm.mode");
        if (!Enum.TryParse<WindowNormalization>(modeText, ignoreCase: false, out var mode) || !Enum.IsDefined(mode) || modeText != mode.ToString())
            throw m.Error($"has metadata 'mlnet_lstm.mode' = '{modeText}'; expected one of {string.Join(", ", Enum.GetNames<WindowNormalization>())}");
        bool seriesLevel = WindowNormalizer.For(mode).IsSeriesLevel;
        if (seriesLevel && version < 4)
            throw m.Error($"has the series-level mode {mode} in a version {version} graph; series-level modes exist from version 4");
        int t = m.Int("mlnet_lstm.window_size", 1), f = m.Int("mlnet_lstm.feature_count", 1);
        int target = m.Int("mlnet_lstm.target_index", 0);
        var names = m.StringArray("mlnet_lstm.feature_names");
        if (names.Length != f || names.Distinct(StringComparer.Ordinal).Count() != f)
            throw m.Error($"lists {names.Length} feature name(s) {string.Join(", ", names)} (mlnet_lstm.feature_names) for {f} distinct features (mlnet_lstm.feature_count)");
        if (target >= f)
            throw m.Error($"has target index {target} (mlnet_lstm.target_index) outside its {f} features");
        var options = new NormalizeWindowsEstimator.Options
        {
            OutputColumnName = m.String("mlnet_lstm.output_column"),
            Mode = mode,
            LabelColumnName = m.String("mlnet_lstm.label_column"),
            NormalizedLabelColumnName = m.String("mlnet_lstm.normalized_label_column"),
            ShiftColumnName = m.String("mlnet_lstm.shift_column"),
            ScaleColumnName = m.String("mlnet_lstm.scale_column"),
        };
        string input = m.String("mlnet_lstm.input_column");
        graph.RequireShape(true, input, checked(t * f));
        graph.RequireShape(false, options.OutputColumnName + ".normalize_windows", t, f);
        graph.RequireShape(false, options.ShiftColumnName, f);
        graph.RequireShape(false, options.ScaleColumnName, f);
        var series = seriesLevel ? SavedSeriesScaling.Read(graph, f) : null;
        int inputs = series?.KeyColumnName is null ? 1 : 2;
        if (graph.Inputs.Count != inputs)
            throw m.Error($"has {graph.Inputs.Count} graph inputs, but its metadata describes {inputs}");
        return Checked(m, () => new NormalizeWindowsTransformer(options, input, t, f, target, names, series));
    }

    /// <summary>
    /// The fitted LSTM, scoring the saved graph itself with the batched scorer. Its weights are read back from the
    /// graph's initializers; it has no training history (see <see cref="LstmForecastingTransformer"/>'s remarks).
    /// </summary>
    public static LstmForecastingTransformer Lstm(SavedGraph graph, OnnxScoringOptions scoring)
    {
        var m = graph.Metadata;
        m.RequireVersion(LstmScoringLayout.OnnxFormatVersion);
        int t = m.Int("mlnet_lstm.window_size", 1), f = m.Int("mlnet_lstm.feature_count", 1), h = m.Int("mlnet_lstm.horizon", 1);
        var hidden = m.IntList("mlnet_lstm.hidden_sizes");
        var cell = Cell(m);
        var layout = LstmLayout(graph, t, f, h);
        var interval = SavedIntervalHead.Read(graph, h);
        var seasonality = Seasonality(m);
        LstmNetworkWeights weights;
        try
        {
            weights = SavedLstmWeights.Read(graph, new SavedLstmWeights.Shape(t, f, h, hidden, cell, layout.FutureSize, EnsembleSize(m), interval, seasonality));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException)
        {
            throw m.Error($"has weights that do not match its metadata ({e.Message})");
        }
        var settings = new LstmTrainingSettings
        {
            LabelColumnName = layout.LabelColumnName,
            FeatureColumnName = layout.FeatureColumnName,
            WindowSize = t,
            FeatureCount = f,
            Horizon = h,
            TargetIndex = layout.TargetIndex,
            Normalization = layout.NormalizationMode is { } mode ? Enum.Parse<WindowNormalization>(mode) : null,
            HiddenSizes = hidden,
            Cell = cell,
            FutureColumnName = layout.FutureColumnName,
            EnsembleSize = weights.EnsembleSize,
            SeasonalPeriod = seasonality.Period,
            SeasonalInput = seasonality.Input,
        };
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(layout.FeatureColumnName, new VectorDataViewType(NumberDataViewType.Single, t, f));
        if (layout.IsNormalized)
        {
            schema.AddColumn(layout.ShiftColumnName!, new VectorDataViewType(NumberDataViewType.Single, f));
            schema.AddColumn(layout.ScaleColumnName!, new VectorDataViewType(NumberDataViewType.Single, f));
        }
        if (layout.HasFuture)
            schema.AddColumn(layout.FutureColumnName!, new VectorDataViewType(NumberDataViewType.Single, layout.FutureSize));
        return new LstmForecastingTransformer(graph.Model, weights, layout, Array.Empty<LstmEpochResult>(), 0, settings,
            new EmptyDataView(schema.ToSchema()), scoring);
    }

    /// <summary>The number of member networks of an LSTM graph: <c>mlnet_lstm.ensemble_size</c>, 1 when absent.</summary>
    private static int EnsembleSize(SavedGraphMetadata m) =>
        m.OptionalString("mlnet_lstm.ensemble_size") is null ? 1 : m.Int("mlnet_lstm.ensemble_size", 2);

    /// <summary>The LSTM graph's columns from its metadata, checked against its inputs and output.</summary>
    private static LstmScoringLayout LstmLayout(SavedGraph graph, int t, int f, int h)
    {
        var m = graph.Metadata;
        int target = m.Int("mlnet_lstm.target_index", 0);
        if (target >= f)
            throw m.Error($"has target index {target} (mlnet_lstm.target_index) outside its {f} features (mlnet_lstm.feature_count)");
        string? shift = m.OptionalString("mlnet_lstm.shift_column"), scale = m.OptionalString("mlnet_lstm.scale_column");
        if ((shift is null) != (scale is null))
            throw m.Error("has only one of the metadata entries 'mlnet_lstm.shift_column' and 'mlnet_lstm.scale_column'");
        string normalization = m.String("mlnet_lstm.normalization");
        string? future = m.OptionalString("mlnet_lstm.future_column");
        int futureSize = future is null ? 0 : m.Int("mlnet_lstm.future_size", 1);
        var layout = new LstmScoringLayout(m.String("mlnet_lstm.feature_column"), m.String("mlnet_lstm.label_column"),
            shift is null ? null : normalization, shift, scale, target, m.String("mlnet_lstm.score_column"), future, futureSize);
        graph.RequireShape(true, layout.FeatureColumnName, checked(t * f));
        if (layout.IsNormalized)
        {
            graph.RequireShape(true, shift!, f);
            graph.RequireShape(true, scale!, f);
        }
        if (layout.HasFuture)
            graph.RequireShape(true, future!, futureSize);
        if (graph.Inputs.Count != layout.InputColumnNames.Length)
            throw m.Error($"has {graph.Inputs.Count} graph inputs, but its metadata describes {layout.InputColumnNames.Length}: {string.Join(", ", layout.InputColumnNames)}");
        if (h == 1)
            graph.RequireShape(false, layout.ScoreColumnName);
        else
            graph.RequireShape(false, layout.ScoreColumnName, h);
        return layout;
    }

    /// <summary>
    /// The seasonal structure of an LSTM graph: <c>mlnet_lstm.seasonal_period</c> (≥ 1) and <c>mlnet_lstm.seasonal_input</c>
    /// (written by the trainer's <c>SeasonalSkipOnnx</c>); none when both are absent.
    /// </summary>
    private static LstmSeasonality Seasonality(SavedGraphMetadata m)
    {
        if (m.OptionalString("mlnet_lstm.seasonal_period") is null && m.OptionalString("mlnet_lstm.seasonal_input") is null)
            return LstmSeasonality.None;
        if (m.Int(SavedGraphMetadata.VersionKey, 1) < 4)
            throw m.Error($"has seasonal metadata (mlnet_lstm.seasonal_period) in a graph of version {m.String(SavedGraphMetadata.VersionKey)}; seasonal networks are version 4");
        int period = m.Int("mlnet_lstm.seasonal_period", 1);
        string text = m.String("mlnet_lstm.seasonal_input");
        if (!Enum.TryParse<SeasonalNetworkInput>(text, ignoreCase: false, out var input) || !Enum.IsDefined(input) || text != input.ToString())
            throw m.Error($"has metadata 'mlnet_lstm.seasonal_input' = '{text}'; expected one of {string.Join(", ", Enum.GetNames<SeasonalNetworkInput>())}");
        return new LstmSeasonality(period, input);
    }

    /// <summary>The graph's recurrent cell (<c>mlnet_lstm.cell</c>, from version 3; an older graph is an LSTM).</summary>
    private static RecurrentCell Cell(SavedGraphMetadata m)
    {
        string? text = m.OptionalString("mlnet_lstm.cell");
        if (text is null)
            return RecurrentCell.Lstm;
        if (!Enum.TryParse<RecurrentCell>(text, ignoreCase: false, out var cell) || !Enum.IsDefined(cell) || text != cell.ToString())
            throw m.Error($"has metadata 'mlnet_lstm.cell' = '{text}'; expected one of {string.Join(", ", Enum.GetNames<RecurrentCell>())}");
        return cell;
    }

    private static T Checked<T>(SavedGraphMetadata m, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw m.Error($"describes an invalid transform ({e.Message})");
        }
    }
}
