using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Lstm.Training;

/// <summary>
/// Stage 2 of a fit: the device (seeded), the data as tensors (on the GPU when it fits there), the network (initial
/// model or resumed checkpoint weights), the optimizer (with the checkpoint's state) and the best epoch so far.
/// Disposing it releases the optimizer, the network and the tensors, in that order.
/// </summary>
internal sealed class LstmTrainingSetup : IDisposable
{
    private readonly DisposeScope _scope;
    private bool _readEarlierBest;

    private LstmTrainingSetup(DisposeScope scope, TorchDeviceSelection device, LstmNetworkShape shape)
    {
        _scope = scope;
        Device = device;
        Shape = shape;
    }

    public TorchDeviceSelection Device { get; }
    public LstmNetworkShape Shape { get; }
    public Device Dev => Device.Device;

    /// <summary>Where the data tensors are: <see cref="Dev"/>, or the CPU when they do not fit on the GPU.</summary>
    public Device DataDevice { get; private set; } = CPU;
    public Tensor XTrain { get; private set; } = null!;
    public Tensor YTrain { get; private set; } = null!;
    public Tensor? XValidation { get; private set; }
    public Tensor? YValidation { get; private set; }

    /// <summary>The validation windows' target shift and scale <c>[N]</c> (host memory), null when the windows carry none.</summary>
    public Tensor? ShiftValidation { get; private set; }
    public Tensor? ScaleValidation { get; private set; }

    /// <summary>Future covariates <c>[N, h·C]</c> of the training / validation windows, or null without them.</summary>
    public Tensor? FTrain { get; private set; }
    public Tensor? FValidation { get; private set; }

    /// <summary>The conformal calibration windows (host memory), or null.</summary>
    public Tensor? XCalibration { get; private set; }
    public Tensor? YCalibration { get; private set; }

    /// <summary>The future covariates of the calibration windows (host memory), or null without calibration or future covariates.</summary>
    public Tensor? FCalibration { get; private set; }
    public LstmNetwork Network { get; private set; } = null!;
    public optim.Optimizer Optimizer { get; private set; } = null!;

    /// <summary>
    /// Selects and seeds the device, then builds tensors, network and optimizer; call it holding
    /// <see cref="TorchRandomLock"/>. <paramref name="best"/> is given the resumed checkpoint's best epoch.
    /// </summary>
    public static LstmTrainingSetup Prepare(LstmFit fit, LstmTrainingInput input, LstmNetworkShape shape, int seed,
        LstmResumePoint? resume, EarlyStopping best, CheckpointWriter checkpoints)
    {
        var (o, log) = (fit.Options, fit.Log);
        var device = new TorchDeviceOptions { Device = o.Device.Device, FallbackToCpu = o.Device.FallbackToCpu, Threads = o.Device.Threads, TuneNativeAllocator = o.Device.TuneNativeAllocator, Seed = seed }.Resolve();
        torch.manual_seed(seed);
        if (device.FellBackToCpu)
            log?.Warning(MessageSensitivity.None, $"Training on the CPU: {device.CpuReason}");
        var cols = input.Columns;
        log?.Info(MessageSensitivity.None,
            $"Training {o.Cell.OnnxOperator()} [{string.Join(", ", o.HiddenSizes)}] on {device}: {input.TrainCount} training windows of [{cols.WindowSize}, {cols.FeatureCount}]" + (input.Data.SeriesCount > 0 ? $" from {input.Data.SeriesCount} series" : "") + ", " +
            (cols.FutureColumnName is null ? "" : $"future covariates '{cols.FutureColumnName}' [{cols.Horizon}, {cols.FutureSize / cols.Horizon}], ") +
            $"{input.ValidationCount} validation windows" + (input.SplitSeriesCount > 0 ? $" (the last of each of {input.SplitSeriesCount} series{(input.CalibrationCount > 0 ? $", as are the {input.CalibrationCount} calibration windows" : "")})" : "") + $", horizon {cols.Horizon}, {o.Epochs} epoch(s), batch {o.BatchSize}" +
            (shape.Seasonality.IsOn ? $", seasonal period {shape.Seasonality.Period} ({shape.Seasonality.Input})" : "") +
            (resume is { } from ? $", resuming from '{from.StatePath}' after epoch {from.Info.Epoch}" : "") + ".");

        var setup = new LstmTrainingSetup(torch.NewDisposeScope(), device, shape);
        try
        {
            setup.PlaceData(input, log);
            setup.BuildNetwork(o, resume, best);
            setup.BuildOptimizer(o, resume, checkpoints, log);
            return setup;
        }
        catch
        {
            setup.Dispose();
            throw;
        }
    }

    /// <summary>Wraps the buffers as tensors (no copy) and moves them to the GPU once when they fit there.</summary>
    private void PlaceData(LstmTrainingInput input, IChannel? log)
    {
        int t = Shape.WindowSize, f = Shape.FeatureCount, h = Shape.Horizon, nTrain = input.TrainCount, nSplit = input.SplitValidationCount;
        var data = input.Data;
        var xAll = torch.from_array(data.X).view(-1, t, f).narrow(0, 0, data.Count);
        var yAll = torch.from_array(data.Y).view(-1, h).narrow(0, 0, data.Count);
        XTrain = xAll.narrow(0, 0, nTrain);
        YTrain = yAll.narrow(0, 0, nTrain);
        if (input.ValidationData is { } validation)
        {
            XValidation = torch.from_array(validation.X).view(-1, t, f).narrow(0, 0, validation.Count);
            YValidation = torch.from_array(validation.Y).view(-1, h).narrow(0, 0, validation.Count);
            if (validation.TargetShift is not null)
                (ShiftValidation, ScaleValidation) = (torch.from_array(validation.TargetShift).narrow(0, 0, validation.Count), torch.from_array(validation.TargetScale!).narrow(0, 0, validation.Count));
        }
        else if (nSplit > 0)
        {
            XValidation = xAll.narrow(0, data.Count - nSplit, nSplit);
            YValidation = yAll.narrow(0, data.Count - nSplit, nSplit);
            if (data.TargetShift is not null)
                (ShiftValidation, ScaleValidation) = (torch.from_array(data.TargetShift).narrow(0, data.Count - nSplit, nSplit), torch.from_array(data.TargetScale!).narrow(0, data.Count - nSplit, nSplit));
        }
        if (input.CalibrationCount > 0)
            (XCalibration, YCalibration) = (xAll.narrow(0, nTrain, input.CalibrationCount), yAll.narrow(0, nTrain, input.CalibrationCount));
        PlaceFuture(input);
        if (Dev.type != DeviceType.CPU)
            MoveDataToDevice((xAll.NumberOfElements + yAll.NumberOfElements) * 4L, log);
    }

    /// <summary>The future covariates as tensors, split like the windows (training ‖ calibration ‖ split validation).</summary>
    private void PlaceFuture(LstmTrainingInput input)
    {
        int fs = Shape.FutureSize;
        if (fs == 0)
            return;
        var data = input.Data;
        var all = torch.from_array(data.Future!).view(-1, fs).narrow(0, 0, data.Count);
        FTrain = all.narrow(0, 0, input.TrainCount);
        if (input.ValidationData is { } validation)
            FValidation = torch.from_array(validation.Future!).view(-1, fs).narrow(0, 0, validation.Count);
        else if (input.SplitValidationCount > 0)
            FValidation = all.narrow(0, data.Count - input.SplitValidationCount, input.SplitValidationCount);
        if (input.CalibrationCount > 0)
            FCalibration = all.narrow(0, input.TrainCount, input.CalibrationCount);
    }

    /// <summary>The data goes to the GPU once, when it fits; otherwise it stays in host memory and each batch is copied.</summary>
    private void MoveDataToDevice(long bytes, IChannel? log)
    {
        var onDevice = new List<Tensor>();
        try
        {
            foreach (var tensor in new[] { XTrain, YTrain, XValidation, YValidation, FTrain, FValidation })
                onDevice.Add(tensor is null ? null! : tensor.to(Dev));
            (XTrain, YTrain, XValidation, YValidation) = (onDevice[0], onDevice[1], onDevice[2], onDevice[3]);
            (FTrain, FValidation) = (onDevice[4], onDevice[5]);
            DataDevice = Dev;
        }
        catch (System.Runtime.InteropServices.ExternalException e) when (e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var copy in onDevice)
                copy?.Dispose(); // give back what did fit before training stages batches from the host
            log?.Warning(MessageSensitivity.None,
                $"The training data ({bytes / (1 << 20)} MiB) does not fit on {Dev}; " +
                "it stays in host memory and each batch is copied to the device.");
        }
    }

    /// <summary>Creates the network and gives it the initial model's or the checkpoint's weights.</summary>
    private void BuildNetwork(LstmForecastingTrainer.Options o, LstmResumePoint? resume, EarlyStopping best)
    {
        Network = Shape.CreateNetwork();
        Network.to(Dev);
        if (o.InitialModel is not null)
            Network.SetWeights(o.InitialModel.Weights);
        if (resume is null)
            return;
        LstmCheckpoint.LoadWeights(Network, resume.StatePath);
        Network.to(Dev);
        LstmNetworkWeights? bestWeights = null;
        if (o.RestoreBestWeights)
            bestWeights = resume.Info.BestEpoch == resume.Info.Epoch ? Network.GetWeights(Shape.WindowSize) : ReadEarlierBest(resume);
        best.Restore(resume.Info.BestLoss, resume.Info.BestEpoch, bestWeights);
    }

    /// <summary>The best epoch so far lies before the checkpoint: its weights are the 'best' checkpoint beside it.</summary>
    private LstmNetworkWeights ReadEarlierBest(LstmResumePoint resume)
    {
        _readEarlierBest = true;
        return LstmCheckpoint.TryReadBestWeights(resume.StatePath, resume.Info, Shape, out var whyNot)
            ?? throw new InvalidDataException(
                $"The checkpoint '{resume.StatePath}' names epoch {resume.Info.BestEpoch} as the best so far, but its weights are not available: {whyNot}. " +
                "Set RestoreBestWeights = false to resume anyway (the returned model then holds the last epoch's weights, or a later improving epoch's), " +
                "resume from the best checkpoint itself if it is intact, or train from scratch.");
    }

    /// <summary>Creates the optimizer and loads the checkpoint's optimizer state when it has one of the same kind.</summary>
    private void BuildOptimizer(LstmForecastingTrainer.Options o, LstmResumePoint? resume, CheckpointWriter checkpoints, IChannel? log)
    {
        Optimizer = o.Optimizer switch
        {
            LstmOptimizer.Adam => torch.optim.Adam(Network.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
            LstmOptimizer.AdamW => torch.optim.AdamW(Network.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
            LstmOptimizer.Sgd => torch.optim.SGD(Network.parameters(), o.LearningRate, momentum: o.Momentum, weight_decay: o.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(o.Optimizer), o.Optimizer, "Unknown optimizer."),
        };
        if (resume is null)
            return;
        if (LstmCheckpoint.TryLoadOptimizerState(resume.StatePath, resume.Info, o.Optimizer, Optimizer) is string why)
            log?.Warning(MessageSensitivity.None, $"Resuming with a fresh optimizer state: {why}");
        checkpoints.RepairBest(Network, Optimizer, resume.Info);
        if (_readEarlierBest)
            checkpoints.CopyEarlierBest(resume.StatePath, resume.Info.BestEpoch);
    }

    public void Dispose()
    {
        Optimizer?.Dispose();
        Network?.Dispose();
        _scope.Dispose();
    }
}
