using MLNet.Lstm.Internal;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Onnx;

namespace MLNet.Lstm.Onnx;

/// <summary>
/// Writes a fitted forecasting chain (<c>SlidingWindow → NormalizeWindows → Lstm</c>, the first two optional) as one
/// portable ONNX graph: raw windows in, forecasts in label units out, with the normalisation and its inverse inside.
/// </summary>
/// <remarks>
/// <para>Graph format <c>ForecastingChain</c>, version 1; version 2 when a series-level NormalizeWindows step adds a
/// series key input (<c>[N, 1]</c>, metadata <c>mlnet_lstm.series_column</c>, <c>.series_key_type</c>).</para>
/// <para>Inputs: the window column, float <c>[N, T·F]</c>; the LSTM's future column, float <c>[N, h·C]</c>, when it
/// reads known-future covariates; the key column when version 2. Output: <c>Score</c>, float <c>[N]</c> or
/// <c>[N, h]</c> in label units, plus the forecaster's bound columns (<see cref="ForecastOutputs"/>). Inputs and
/// metadata in full: docs/deployment.md, 'The graph's contract'.</para>
/// </remarks>
internal static class ForecastingChainOnnx
{
    public const string Format = "ForecastingChain";
    public const int Version = 1;

    /// <summary>The version of a chain graph with a series key input (a series-level normalisation).</summary>
    public const int SeriesKeyVersion = 2;
    public const string ScoreOutputName = "Score";

    public static byte[] Export(ITransformer model)
    {
        var steps = TransformerChains.Leaves(model).ToList();
        for (int i = 0; i < steps.Count; i++)
        {
            if (steps[i] is not (SlidingWindowTransformer or NormalizeWindowsTransformer or LstmForecastingTransformer))
                throw Unsupported(steps[i], i);
        }
        var lstm = FindForecaster(steps);
        var lstmModel = StepModel("LSTM forecaster", lstm.GetOnnxModel());
        var lstmMeta = lstmModel.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var window = steps.OfType<SlidingWindowTransformer>().FirstOrDefault();
        var normalize = steps.OfType<NormalizeWindowsTransformer>().FirstOrDefault();

        var composer = new OnnxGraphComposer("mlnet_lstm_forecasting_chain");
        var info = ChainInfo.From(window, normalize, lstm, lstmMeta);
        foreach (var input in RawInputs(info, lstm.Layout, normalize?.Series))
            composer.AddInput(input);
        var formats = new List<string>();
        for (int i = 0; i < steps.Count; i++)
        {
            var step = ToComposedStep(steps[i], i, lstmModel);
            formats.Add(StepFormat(steps[i], lstmMeta));
            if (step is not null)
                composer.AddStep(step);
        }
        foreach (var (column, output) in ForecastOutputs(lstm))
            composer.AddOutput(column, output);

        var result = composer.Build(
            $"MLNet.Lstm forecasting chain: raw window [N, {info.WindowSize}x{info.FeatureCount}] -> {ScoreOutputName} [N, {info.Horizon}] in label units.");
        foreach (var (key, value) in info.Metadata(formats))
            result.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        foreach (var key in new[] { "mlnet_lstm.quantile_levels", "mlnet_lstm.conformal_level", "mlnet_lstm.interval_level" })
        {
            if (lstmMeta.TryGetValue(key, out var value)) // the interval head's levels (issue 9), for readers of the bounds
                result.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return OnnxIntegrity.Stamp(result);
    }

    /// <summary>
    /// The composed graph's inputs: the raw window, and the known-future covariates (float <c>[N, h·C]</c>, raw, named
    /// like the LSTM's future column) when the model has them.
    /// </summary>
    private static IEnumerable<ValueInfoProto> RawInputs(ChainInfo info, LstmScoringLayout layout, SeriesScaling? series)
    {
        yield return FloatInput(info.WindowColumn, (long)info.WindowSize * info.FeatureCount);
        if (layout.HasFuture)
            yield return FloatInput(layout.FutureColumnName!, layout.FutureSize);
        if (series?.KeyColumnName is { } key)
            yield return FloatInput(key, 1, series.KeyType);
    }

    private static ValueInfoProto FloatInput(string name, long size, OnnxElementType type = OnnxElementType.Float)
    {
        var dims = new TensorShapeProto();
        dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = OnnxDim.Batch.Symbol });
        dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = size });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = dims } },
        };
    }

    /// <summary>
    /// The forecast columns exposed as graph outputs: <c>Score</c>, and the bound columns <c>LowerBound</c>,
    /// <c>UpperBound</c> (and <c>Quantiles</c>) of quantile and conformal models, under their own names.
    /// </summary>
    private static IEnumerable<(string Column, string Output)> ForecastOutputs(LstmForecastingTransformer lstm)
    {
        yield return (lstm.ScoreColumnName, ScoreOutputName);
        foreach (var column in lstm.OutputColumnNames.Skip(1))
            yield return (column, column);
    }

    private static OnnxComposedStep? ToComposedStep(ITransformer step, int index, ModelProto lstmModel)
    {
        switch (step)
        {
            case SlidingWindowTransformer:
                return null; // the composed graph's input is its window column
            case NormalizeWindowsTransformer n:
            {
                string temp = n.OutputColumnName + ".normalize_windows";
                var model = StepModel($"step {index} (NormalizeWindows)", n.BuildOnnx(temp));
                return new OnnxComposedStep($"{index}_{NormalizeWindowsTransformer.OnnxFormat}", model,
                    new Dictionary<string, string> { [temp] = n.OutputColumnName });
            }
            default:
                return new OnnxComposedStep($"{index}_Lstm", lstmModel, new Dictionary<string, string>());
        }
    }

    private static string StepFormat(ITransformer step, IReadOnlyDictionary<string, string> lstmMeta) => step switch
    {
        SlidingWindowTransformer => SlidingWindowTransformer.OnnxFormat,
        NormalizeWindowsTransformer => NormalizeWindowsTransformer.OnnxFormat,
        _ => lstmMeta.TryGetValue("mlnet_lstm.format", out var format) ? format : "LstmForecaster",
    };

    private static LstmForecastingTransformer FindForecaster(List<ITransformer> steps)
    {
        var forecasters = steps.OfType<LstmForecastingTransformer>().ToList();
        if (forecasters.Count != 1)
        {
            throw new ArgumentException(forecasters.Count == 0
                ? $"ExportOnnx: the model has no LstmForecastingTransformer (steps: {Describe(steps)}). Export a fitted chain that ends with mlContext.Forecasting.Lstm(...), e.g. SlidingWindow → NormalizeWindows → Lstm."
                : $"ExportOnnx: the model has {forecasters.Count} LstmForecastingTransformers (steps: {Describe(steps)}); one graph has one forecaster. Export each model on its own.", "model");
        }
        int at = steps.IndexOf(forecasters[0]);
        if (at != steps.Count - 1)
        {
            throw new ArgumentException(
                $"ExportOnnx: step {at + 1} ({Describe(steps[at + 1])}) comes after the LSTM forecaster; the portable graph ends with the forecast. Export the chain up to the LSTM step.", "model");
        }
        return forecasters[0];
    }

    private static ArgumentException Unsupported(ITransformer step, int index)
    {
        string hint = step.GetType().Namespace?.StartsWith("Microsoft.ML", StringComparison.Ordinal) == true
            ? " A chain reloaded with mlContext.Model.Load is made of ML.NET built-ins (OnnxTransformer, column copying): load the zip with mlContext.Forecasting.LoadModel(path), which rebuilds MLNet.Lstm's transformers, and export that."
            : "";
        return new ArgumentException(
            $"ExportOnnx: step {index} ({Describe(step)}) is not supported in a portable forecasting graph; supported steps are SlidingWindowTransformer, NormalizeWindowsTransformer and LstmForecastingTransformer.{hint}", "model");
    }

    private static ModelProto StepModel(string what, byte[] bytes)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        if (model.MetadataProps.Any(p => p.Key == OnnxIntegrity.MetadataKey))
            OnnxIntegrity.Verify(bytes, $"the ONNX graph of the {what}");
        return model;
    }

    private static string Describe(ITransformer step) => step.GetType().Name;

    private static string Describe(List<ITransformer> steps) => steps.Count == 0 ? "none" : string.Join(" → ", steps.Select(Describe));

    /// <summary>What the composed graph's metadata says about the chain, cross-checked between its steps.</summary>
    private sealed record ChainInfo(string WindowColumn, int WindowSize, int FeatureCount, string[] FeatureColumns,
        int TargetIndex, int Horizon, string HiddenSizes, string Normalization, string LabelColumn)
    {
        /// <summary>The series key input of a series-level normalisation, or null.</summary>
        public SeriesScaling? Series { get; init; }

        public static ChainInfo From(SlidingWindowTransformer? window, NormalizeWindowsTransformer? normalize,
            LstmForecastingTransformer lstm, IReadOnlyDictionary<string, string> meta)
        {
            var inv = CultureInfo.InvariantCulture;
            int t = int.Parse(Read(meta, "mlnet_lstm.window_size"), inv);
            int f = int.Parse(Read(meta, "mlnet_lstm.feature_count"), inv);
            int target = int.Parse(Read(meta, "mlnet_lstm.target_index"), inv);
            string[] features = window?.InputColumnNames.ToArray()
                ?? normalize?.FeatureNames.ToArray()
                ?? Enumerable.Range(0, f).Select(i => "f" + i.ToString(inv)).ToArray();
            if (window is not null && (window.WindowSize != t || window.FeatureCount != f || window.TargetIndex != target))
            {
                throw new ArgumentException(
                    $"ExportOnnx: the SlidingWindow step makes windows of {window.WindowSize} steps x {window.FeatureCount} columns with target index {window.TargetIndex}, " +
                    $"but the LSTM was trained on {t} x {f} with target index {target}. Export the chain the LSTM was fitted with.", "model");
            }
            if (normalize is not null && (normalize.WindowSize != t || normalize.FeatureCount != f))
            {
                throw new ArgumentException(
                    $"ExportOnnx: the NormalizeWindows step normalises windows of {normalize.WindowSize} steps x {normalize.FeatureCount} columns, " +
                    $"but the LSTM was trained on {t} x {f}. Export the chain the LSTM was fitted with.", "model");
            }
            string windowColumn = window?.OutputColumnName ?? normalize?.InputColumnName ?? lstm.InputColumnNames[0];
            return new ChainInfo(windowColumn, t, f, features, target, int.Parse(Read(meta, "mlnet_lstm.horizon"), inv),
                Read(meta, "mlnet_lstm.hidden_sizes"), normalize?.Mode.ToString() ?? "None", Read(meta, "mlnet_lstm.label_column"))
            {
                Series = normalize?.Series?.KeyColumnName is null ? null : normalize.Series,
            };
        }

        public IEnumerable<KeyValuePair<string, string>> Metadata(IReadOnlyList<string> steps)
        {
            var inv = CultureInfo.InvariantCulture;
            yield return new("mlnet_lstm.format", Format);
            yield return new("mlnet_lstm.version", (Series is null ? Version : SeriesKeyVersion).ToString(inv));
            yield return new("mlnet_lstm.window_column", WindowColumn);
            yield return new("mlnet_lstm.window_size", WindowSize.ToString(inv));
            yield return new("mlnet_lstm.feature_count", FeatureCount.ToString(inv));
            yield return new("mlnet_lstm.feature_columns", JsonSerializer.Serialize(FeatureColumns));
            yield return new("mlnet_lstm.target_column", FeatureColumns[TargetIndex]);
            yield return new("mlnet_lstm.target_index", TargetIndex.ToString(inv));
            yield return new("mlnet_lstm.horizon", Horizon.ToString(inv));
            yield return new("mlnet_lstm.hidden_sizes", HiddenSizes);
            yield return new("mlnet_lstm.normalization", Normalization);
            yield return new("mlnet_lstm.label_column", LabelColumn);
            yield return new("mlnet_lstm.score_column", ScoreOutputName);
            yield return new("mlnet_lstm.steps", JsonSerializer.Serialize(steps));
            if (Series is not null)
            {
                yield return new("mlnet_lstm.series_column", Series.KeyColumnName!);
                yield return new("mlnet_lstm.series_key_type", Series.KeyType.ToString());
            }
        }

        private static string Read(IReadOnlyDictionary<string, string> meta, string key) =>
            meta.TryGetValue(key, out var value)
                ? value
                : throw new ArgumentException($"ExportOnnx: the LSTM step's ONNX graph has no metadata entry '{key}'; it was not written by this version of MLNet.Lstm. Fit or load the model with the current version.", "model");
    }
}
