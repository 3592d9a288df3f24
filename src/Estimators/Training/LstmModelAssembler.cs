using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.Lstm.Training;

/// <summary>
/// Stage 4 of a fit: chooses the weights the model holds (the best epoch's or the last), exports them to ONNX and
/// builds the fitted <see cref="LstmForecastingTransformer"/> with its settings and history.
/// </summary>
internal static class LstmModelAssembler
{
    /// <summary>
    /// The final weights and the epoch they are from: the best epoch's when <c>RestoreBestWeights</c> has them and it
    /// is not the last epoch, else the network's current (last) weights. Call it before the setup is disposed.
    /// </summary>
    public static (LstmNetworkWeights Weights, int Epoch) ChooseWeights(LstmTrainingSetup setup, EarlyStopping best,
        IReadOnlyList<LstmEpochResult> history, int startEpoch, bool restoreBestWeights, IChannel? log)
    {
        int lastEpoch = history.Count > 0 ? history[^1].Epoch : startEpoch - 1;
        int bestEpoch = best.BestEpoch;
        if (restoreBestWeights && best.BestWeights is not null && bestEpoch != lastEpoch)
        {
            log?.Info(MessageSensitivity.None, $"Restored the weights of the best epoch, {bestEpoch}.");
            return (best.BestWeights, bestEpoch);
        }
        var weights = setup.Network.GetWeights(setup.Shape.WindowSize);
        if (!restoreBestWeights || best.BestWeights is null)
            bestEpoch = lastEpoch;
        return (weights, bestEpoch);
    }

    /// <summary>
    /// Builds the model of the chosen <paramref name="candidate"/>: its members' weights as one (ensemble) network,
    /// calibrated with <c>ConformalLevel</c>, exported to ONNX, with member 0's history and the settings the fit used.
    /// </summary>
    /// <param name="fit">The fit.</param>
    /// <param name="input">The fit's training data.</param>
    /// <param name="candidate">The candidate the fit keeps.</param>
    /// <param name="schemaSource">The training data view, whose schema the model's input schema is.</param>
    /// <param name="selection">The seasonal choice's figures, or null when the fit made none.</param>
    /// <param name="candidates">The same choice as a candidate report, or null.</param>
    public static LstmForecastingTransformer Assemble(LstmFit fit, LstmTrainingInput input, LstmCandidateFit candidate, IDataView schemaSource,
        LstmSeasonalSelection? selection = null, LstmCandidateSelection? candidates = null)
    {
        var o = fit.Options;
        var first = candidate.Members[0];
        var weights = LstmNetworkWeights.Ensemble(candidate.Members.Select(f => f.Weights).ToArray());
        weights = ConformalCalibration.Calibrate(weights, candidate.Members.Select(f => f.Calibration).ToArray(), o, fit.Log);
        if (o.EnsembleSize > 1)
            fit.Log?.Info(MessageSensitivity.None, $"Trained {o.EnsembleSize} member networks; the model averages their outputs.");
        fit.Clock.Lap("final weights, dispose tensors");
        var layout = input.Columns.ToLayout();
        var onnx = LstmOnnxExporter.Export(weights, layout);
        fit.Clock.Lap("ONNX export");
        var settings = Settings(input, o, fit.Seed, first.Device, weights.Seasonality) with { SeasonalSelection = selection, CandidateSelection = candidates };
        var model = new LstmForecastingTransformer(onnx, weights, layout, first.History, first.BestEpoch, settings, schemaSource);
        fit.Clock.Lap("OnnxTransformer creation");
        return model;
    }

    /// <summary>The options as they were used: resolved columns, shapes, seed and device.</summary>
    public static LstmTrainingSettings Settings(LstmTrainingInput input, LstmForecastingTrainer.Options o, int seed, string device, LstmSeasonality seasonality)
    {
        var cols = input.Columns;
        return new LstmTrainingSettings
        {
            LabelColumnName = cols.LabelColumnName,
            FeatureColumnName = cols.FeatureColumnName,
            WindowSize = cols.WindowSize,
            FeatureCount = cols.FeatureCount,
            Horizon = cols.Horizon,
            TargetIndex = cols.TargetIndex,
            Normalization = cols.Normalization,
            HiddenSizes = o.HiddenSizes.ToArray(),
            Cell = o.Cell,
            FutureColumnName = cols.FutureColumnName,
            SeasonalPeriod = seasonality.Period,
            SeasonalInput = seasonality.Input,
            Dropout = o.Dropout,
            Epochs = o.Epochs,
            BatchSize = o.BatchSize,
            LearningRate = o.LearningRate,
            Optimizer = o.Optimizer,
            LearningRateSchedule = o.LearningRateSchedule,
            Momentum = o.Momentum,
            Loss = o.Loss,
            MemberLosses = o.MemberPlans is { Count: > 0 } ? Enumerable.Range(0, o.EnsembleSize).Select(i => LstmEnsemble.PlanOf(o.MemberPlans, i)!.Loss).ToArray() : null,
            HuberDelta = o.HuberDelta,
            WeightDecay = o.WeightDecay,
            GradientClipNorm = o.GradientClipNorm,
            Shuffle = o.Shuffle,
            Seed = seed,
            ValidationFraction = o.ValidationFraction,
            HasValidationSet = o.ValidationSet is not null,
            EarlyStoppingPatience = o.EarlyStoppingPatience,
            RestoreBestWeights = o.RestoreBestWeights,
            EnsembleSize = o.EnsembleSize,
            Device = device,
            TrainingRowCount = input.TrainCount,
            ValidationRowCount = input.ValidationCount,
        };
    }
}
