using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using Microsoft.ML.Data;
using MLNet.Lstm.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Lstm;

/// <summary>Optimizers of <see cref="LstmForecastingTrainer"/>.</summary>
public enum LstmOptimizer
{
    /// <summary>Adam; <see cref="LstmForecastingTrainer.Options.WeightDecay"/> is an L2 penalty.</summary>
    Adam,
    /// <summary>AdamW; <see cref="LstmForecastingTrainer.Options.WeightDecay"/> is decoupled weight decay.</summary>
    AdamW,
    /// <summary>Stochastic gradient descent with <see cref="LstmForecastingTrainer.Options.Momentum"/>.</summary>
    Sgd,
}

/// <summary>Training losses of <see cref="LstmForecastingTrainer"/>.</summary>
public enum LstmLoss
{
    /// <summary>Mean squared error.</summary>
    Mse,
    /// <summary>Mean absolute error.</summary>
    Mae,
    /// <summary>Huber loss with threshold <see cref="LstmForecastingTrainer.Options.HuberDelta"/>.</summary>
    Huber,
}

/// <summary>Progress after one training epoch.</summary>
/// <param name="Epoch">The epoch just finished (1-based).</param>
/// <param name="Epochs">The configured maximum number of epochs.</param>
/// <param name="TrainLoss">Mean training loss of the epoch.</param>
/// <param name="ValidationLoss">Validation loss after the epoch, or <see langword="null"/> without validation.</param>
/// <param name="Duration">Wall-clock time of the epoch.</param>
public sealed record LstmEpochProgress(int Epoch, int Epochs, double TrainLoss, double? ValidationLoss, TimeSpan Duration);

/// <summary>
/// Trains a stacked-LSTM forecaster on TorchSharp from a window column (<c>[T, F]</c> values, e.g. from
/// <c>SlidingWindow</c>) and a label (Single, or a vector of h values), and returns an
/// <see cref="LstmForecastingTransformer"/> that scores through ONNX inside a standard ML.NET model.
/// </summary>
public sealed class LstmForecastingTrainer : IEstimator<LstmForecastingTransformer>
{
    /// <summary>Options of <see cref="LstmForecastingTrainer"/>.</summary>
    public sealed class Options
    {
        /// <summary>The label column: Single (horizon 1) or a known-size vector of Single (horizon h).</summary>
        public string LabelColumnName { get; set; } = "Label";

        /// <summary>The window column: a known-size Single vector of T·F values, time-major, ideally with dimensions [T, F].</summary>
        public string FeatureColumnName { get; set; } = "Window";

        /// <summary>The window length T when the window column has no [T, F] dimensions; must agree with them otherwise.</summary>
        public int? WindowSize { get; set; }

        /// <summary>The hidden size of each stacked LSTM layer (default { 100, 100, 100 }, as in the Keras tutorial).</summary>
        public int[] HiddenSizes { get; set; } = { 100, 100, 100 };

        /// <summary>Dropout rate between LSTM layers and before the linear head, in [0, 1).</summary>
        public float Dropout { get; set; } = 0.2f;

        /// <summary>Maximum number of epochs.</summary>
        public int Epochs { get; set; } = 2;

        /// <summary>Mini-batch size.</summary>
        public int BatchSize { get; set; } = 32;

        /// <summary>Learning rate.</summary>
        public float LearningRate { get; set; } = 0.001f;

        /// <summary>The optimizer.</summary>
        public LstmOptimizer Optimizer { get; set; } = LstmOptimizer.Adam;

        /// <summary>Momentum of <see cref="LstmOptimizer.Sgd"/>.</summary>
        public float Momentum { get; set; } = 0.9f;

        /// <summary>The training loss.</summary>
        public LstmLoss Loss { get; set; } = LstmLoss.Mse;

        /// <summary>Threshold of <see cref="LstmLoss.Huber"/>.</summary>
        public float HuberDelta { get; set; } = 1f;

        /// <summary>Weight decay (L2 penalty for Adam and SGD, decoupled for AdamW); 0 for none.</summary>
        public float WeightDecay { get; set; }

        /// <summary>Clips the gradients' global L2 norm to this value; null for no clipping.</summary>
        public float? GradientClipNorm { get; set; }

        /// <summary>Whether to shuffle the training windows each epoch (seeded by <see cref="Seed"/>).</summary>
        public bool Shuffle { get; set; } = true;

        /// <summary>Seed of torch's generator (initial weights, dropout) and of the shuffle; fits with the same seed on the CPU give identical weights.</summary>
        public int Seed { get; set; }

        /// <summary>Fraction of the labelled windows held out for validation, taken from the end (time order), in [0, 1).</summary>
        public float ValidationFraction { get; set; }

        /// <summary>A separate validation set with the same columns (takes precedence over <see cref="ValidationFraction"/>).</summary>
        public IDataView? ValidationSet { get; set; }

        /// <summary>Stop after this many epochs without improvement of the validation loss (the training loss without validation); 0 disables early stopping.</summary>
        public int EarlyStoppingPatience { get; set; }

        /// <summary>The minimum decrease of the monitored loss that counts as an improvement.</summary>
        public float EarlyStoppingMinDelta { get; set; }

        /// <summary>Whether the returned model holds the best epoch's weights (lowest monitored loss) rather than the last epoch's.</summary>
        public bool RestoreBestWeights { get; set; } = true;

        /// <summary>A folder for checkpoints: <c>last.pt</c>/<c>last.json</c> every epoch and <c>best.pt</c>/<c>best.json</c> on improvement, each written atomically. Checked before training.</summary>
        public string? CheckpointDirectory { get; set; }

        /// <summary>Resume from a checkpoint (a <c>.pt</c> file with its <c>.json</c>, or a checkpoint folder meaning its <c>last.pt</c>): training continues at the next epoch, up to <see cref="Epochs"/>, with the checkpoint's weights, optimizer state (when it was saved with the same <see cref="Optimizer"/>) and data order. Dropout's random masks are not part of a checkpoint.</summary>
        public string? ResumeFromCheckpoint { get; set; }

        /// <summary>Warm start: begin from this previously fitted model's weights (same architecture) and train <see cref="Epochs"/> more epochs.</summary>
        public LstmForecastingTransformer? InitialModel { get; set; }

        /// <summary>Device, fallback and threads (see <see cref="TorchDeviceOptions"/>; its Seed is overridden by <see cref="Seed"/>).</summary>
        public TorchDeviceOptions Device { get; set; } = new();

        /// <summary>Receives each epoch's number, training and validation loss and duration.</summary>
        public IProgress<LstmEpochProgress>? Progress { get; set; }

        /// <summary>
        /// Where the trainer writes its messages through ML.NET's log channel: set it to your <see cref="MLContext"/> and
        /// subscribe to <see cref="MLContext.Log"/> (source <c>LstmForecastingTrainer</c>) to see the data, the device,
        /// each epoch, early stopping and checkpoints. ML.NET gives catalog extensions from other assemblies no access
        /// to the context that created the catalog, so it has to be passed here. Null (the default): no messages.
        /// </summary>
        public IChannelProvider? LogTo { get; set; }

        /// <summary>Checks the values; throws <see cref="ArgumentOutOfRangeException"/> naming the first wrong one.</summary>
        public void Validate()
        {
            static void Check(bool ok, string name, object? value, string rule)
            {
                if (!ok)
                    throw new ArgumentOutOfRangeException(name, value, $"{name} must be {rule}, but is {value ?? "null"}.");
            }
            Check(!string.IsNullOrWhiteSpace(LabelColumnName), nameof(LabelColumnName), LabelColumnName, "a column name");
            Check(!string.IsNullOrWhiteSpace(FeatureColumnName), nameof(FeatureColumnName), FeatureColumnName, "a column name");
            Check(HiddenSizes is { Length: > 0 } && HiddenSizes.All(h => h > 0), nameof(HiddenSizes),
                HiddenSizes is null ? null : $"[{string.Join(", ", HiddenSizes)}]", "one or more positive layer widths");
            Check(Dropout >= 0 && Dropout < 1, nameof(Dropout), Dropout, "in [0, 1)");
            Check(Epochs > 0, nameof(Epochs), Epochs, "positive");
            Check(BatchSize > 0, nameof(BatchSize), BatchSize, "positive");
            Check(LearningRate > 0 && float.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "positive and finite");
            Check(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "in [0, 1)");
            Check(HuberDelta > 0, nameof(HuberDelta), HuberDelta, "positive");
            Check(WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "0 or positive");
            Check(GradientClipNorm is null || GradientClipNorm > 0, nameof(GradientClipNorm), GradientClipNorm, "null or positive");
            Check(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), ValidationFraction, "in [0, 1)");
            Check(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), EarlyStoppingPatience, "0 (off) or positive");
            Check(EarlyStoppingMinDelta >= 0, nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "0 or positive");
            Check(WindowSize is null || WindowSize > 0, nameof(WindowSize), WindowSize, "null or positive");
            Check(Device is not null, nameof(Device), Device, "set");
            Device!.Validate();
            if (Device.Seed is long deviceSeed && deviceSeed != Seed)
                throw new ArgumentOutOfRangeException(nameof(Device), deviceSeed,
                    $"Device.Seed is {deviceSeed} but the trainer's Seed is {Seed}; the trainer seeds torch with Seed. Set Seed = {deviceSeed} and leave Device.Seed null.");
        }
    }

    private readonly Options _options;

    /// <summary>Creates the trainer; prefer <c>mlContext.Forecasting.Lstm(...)</c>.</summary>
    /// <param name="options">The options (validated here).</param>
    public LstmForecastingTrainer(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The options this trainer uses.</summary>
    public Options TrainerOptions => _options;

    /// <summary>The output schema: the input plus <c>Score</c> (Vector&lt;Single&gt; of h values).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var feature = inputSchema.FirstOrDefault(c => c.Name == _options.FeatureColumnName);
        if (feature.Name is null)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"The feature column '{_options.FeatureColumnName}' is not in the data (columns: {string.Join(", ", inputSchema.Select(c => c.Name))}). " +
                "Add mlContext.Transforms.SlidingWindow(...) before the trainer, or set featureColumnName to the window column.");
        if (feature.Kind != SchemaShape.Column.VectorKind.Vector || feature.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"The feature column '{_options.FeatureColumnName}' must be a known-size vector of Single, but is {feature.Kind} of {feature.ItemType}. " +
                "Use the window column made by SlidingWindow (a Vector<Single> of T·F values).");
        if (inputSchema.FirstOrDefault(c => c.Name == _options.LabelColumnName).Name is null)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"The label column '{_options.LabelColumnName}' is not in the data (columns: {string.Join(", ", inputSchema.Select(c => c.Name))}). " +
                "Set labelColumnName to the label made by SlidingWindow (default 'Label').");
        // Score is a known-size vector of Single, like a Concatenate of the window column: let ML.NET build the shape.
        return new MLContext().Transforms.Concatenate("Score", _options.FeatureColumnName).GetOutputSchema(inputSchema);
    }

    /// <summary>Trains the network and returns the fitted model.</summary>
    /// <param name="input">Training windows; rows whose label is NaN are skipped.</param>
    public LstmForecastingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        o.Validate(); // the options object stays the caller's: check it again as it is now
        using var log = o.LogTo?.Start(nameof(LstmForecastingTrainer));
        var cols = LstmColumns.Resolve(input.Schema, o.FeatureColumnName, o.LabelColumnName, o.WindowSize);
        if (o.CheckpointDirectory is not null)
            LstmCheckpoint.EnsureWritable(o.CheckpointDirectory);
        (string StatePath, LstmCheckpointInfo Info)? resume = o.ResumeFromCheckpoint is null ? null : LstmCheckpoint.Read(o.ResumeFromCheckpoint);
        string archHash = LstmCheckpointInfo.HashOf(cols.WindowSize, cols.FeatureCount, cols.Horizon, o.HiddenSizes);
        if (resume is { } r && r.Info.ArchitectureHash != archHash)
            throw new InvalidOperationException(
                $"The checkpoint '{r.StatePath}' was trained for {r.Info.ArchitectureHash} (window T, features F, horizon h, hidden sizes H) " +
                $"but this trainer and data make {archHash}. Use the same window, columns, horizon and HiddenSizes as the checkpointed run, " +
                "or leave ResumeFromCheckpoint null to train from scratch.");

        long phase = Stopwatch.GetTimestamp();
        var data = LstmDataset.Read(input, cols, "training");
        phase = LstmFitDiagnostics.Lap("read training data", phase);
        LstmDataset? validationData = null;
        if (o.ValidationSet is not null)
        {
            var vcols = LstmColumns.Resolve(o.ValidationSet.Schema, o.FeatureColumnName, o.LabelColumnName, o.WindowSize);
            if (vcols.WindowSize != cols.WindowSize || vcols.FeatureCount != cols.FeatureCount || vcols.Horizon != cols.Horizon)
                throw new ArgumentOutOfRangeException(nameof(o.ValidationSet),
                    $"The validation set's windows [{vcols.WindowSize}, {vcols.FeatureCount}] / horizon {vcols.Horizon} differ from the training data's [{cols.WindowSize}, {cols.FeatureCount}] / {cols.Horizon}.");
            if (vcols.NormalizationMode != cols.NormalizationMode || vcols.TargetIndex != cols.TargetIndex)
                throw new ArgumentOutOfRangeException(nameof(o.ValidationSet),
                    $"The validation set's window column '{o.FeatureColumnName}' is normalised with {vcols.NormalizationMode ?? "nothing"} (target index {vcols.TargetIndex}), " +
                    $"the training data's with {cols.NormalizationMode ?? "nothing"} (target index {cols.TargetIndex}). Make ValidationSet with the same SlidingWindow and NormalizeWindows as the training data.");
            validationData = LstmDataset.Read(o.ValidationSet, vcols, "validation");
        }

        phase = LstmFitDiagnostics.Lap("read validation data", phase);
        int nValFromSplit = validationData is null ? (int)Math.Round(data.Count * (double)o.ValidationFraction) : 0;
        int nTrain = data.Count - nValFromSplit;
        if (nTrain <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.ValidationFraction),
                $"ValidationFraction {o.ValidationFraction} leaves no training windows out of {data.Count}.");

        // Threads and the random generator are process-wide in torch: hold them for the whole training.
        using var seeded = TorchRandomLock.Enter();
        var device = new TorchDeviceOptions { Device = o.Device.Device, FallbackToCpu = o.Device.FallbackToCpu, Threads = o.Device.Threads, TuneNativeAllocator = o.Device.TuneNativeAllocator, Seed = o.Seed }.Resolve();
        var dev = device.Device;
        torch.manual_seed(o.Seed);
        if (device.FellBackToCpu)
            log?.Warning(MessageSensitivity.None, $"Training on the CPU: {device.CpuReason}");
        log?.Info(MessageSensitivity.None,
            $"Training LSTM [{string.Join(", ", o.HiddenSizes)}] on {device}: {nTrain} training windows of [{cols.WindowSize}, {cols.FeatureCount}], " +
            $"{(validationData?.Count ?? nValFromSplit)} validation windows, horizon {cols.Horizon}, {o.Epochs} epoch(s), batch {o.BatchSize}" +
            (resume is { } from ? $", resuming from '{from.StatePath}' after epoch {from.Info.Epoch}" : "") + ".");

        var history = new List<LstmEpochResult>();
        LstmNetworkWeights finalWeights;
        int bestEpoch;
        using (var scope = torch.NewDisposeScope())
        {
            int t = cols.WindowSize, f = cols.FeatureCount, h = cols.Horizon;
            var xAll = torch.from_array(data.X).view(-1, t, f).narrow(0, 0, data.Count);
            var yAll = torch.from_array(data.Y).view(-1, h).narrow(0, 0, data.Count);
            Tensor xTrain = xAll.narrow(0, 0, nTrain), yTrain = yAll.narrow(0, 0, nTrain);
            Tensor? xVal = null, yVal = null;
            if (validationData is not null)
            {
                xVal = torch.from_array(validationData.X).view(-1, t, f).narrow(0, 0, validationData.Count);
                yVal = torch.from_array(validationData.Y).view(-1, h).narrow(0, 0, validationData.Count);
            }
            else if (nValFromSplit > 0)
            {
                xVal = xAll.narrow(0, nTrain, nValFromSplit);
                yVal = yAll.narrow(0, nTrain, nValFromSplit);
            }
            // The data goes to the GPU once, when it fits; otherwise it stays in host memory and each batch is copied.
            var dataDevice = torch.CPU;
            if (dev.type != DeviceType.CPU)
            {
                var onDevice = new List<Tensor>();
                try
                {
                    foreach (var tensor in new[] { xTrain, yTrain, xVal, yVal })
                        onDevice.Add(tensor is null ? null! : tensor.to(dev));
                    (xTrain, yTrain, xVal, yVal) = (onDevice[0], onDevice[1], onDevice[2], onDevice[3]);
                    dataDevice = dev;
                }
                catch (System.Runtime.InteropServices.ExternalException e) when (e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase))
                {
                    foreach (var copy in onDevice)
                        copy?.Dispose(); // give back what did fit before training stages batches from the host
                    log?.Warning(MessageSensitivity.None,
                        $"The training data ({(xAll.NumberOfElements + yAll.NumberOfElements) * 4L / (1 << 20)} MiB) does not fit on {dev}; " +
                        "it stays in host memory and each batch is copied to the device.");
                }
            }

            using var network = new LstmNetwork(f, o.HiddenSizes, o.Dropout, h);
            network.to(dev);
            int startEpoch = 1;
            double best = double.PositiveInfinity;
            bestEpoch = 0;
            if (o.InitialModel is not null)
                network.SetWeights(o.InitialModel.Weights);
            LstmNetworkWeights? bestWeights = null;
            if (resume is { } res)
            {
                network.load(res.StatePath);
                network.to(dev);
                startEpoch = res.Info.Epoch + 1;
                best = res.Info.BestLoss;
                bestEpoch = res.Info.BestEpoch;
                if (o.RestoreBestWeights)
                {
                    // The best epoch so far may lie before the checkpoint: its weights are the 'best' checkpoint beside it.
                    bestWeights = LstmCheckpoint.TryReadBestWeights(res.StatePath, res.Info, f, o.HiddenSizes, o.Dropout, h, t);
                    if (bestWeights is null)
                        log?.Warning(MessageSensitivity.None,
                            $"No best checkpoint of epoch {res.Info.BestEpoch} beside '{res.StatePath}': RestoreBestWeights can only restore epochs from now on.");
                }
            }

            using var optimizer = CreateOptimizer(network, o);
            if (resume is { } withState)
            {
                if (LstmCheckpoint.TryLoadOptimizerState(withState.StatePath, withState.Info, o.Optimizer.ToString(), optimizer) is string why)
                    log?.Warning(MessageSensitivity.None, $"Resuming with a fresh optimizer state: {why}");
            }
            phase = LstmFitDiagnostics.Lap("tensors, network, optimizer", phase);
            double batchSeconds = 0, validationSeconds = 0, afterEpochSeconds = 0;
            var shuffle = new Random(o.Seed);
            var order = Enumerable.Range(0, nTrain).Select(i => (long)i).ToArray();
            // A resumed run replays the shuffles of the epochs it skips, so that its data order continues where the
            // checkpointed run stopped.
            for (int skipped = 1; skipped < startEpoch && o.Shuffle; skipped++)
                shuffle.Shuffle(order);
            int wait = 0;
            int batchesSinceCollect = 0;
            for (int epoch = startEpoch; epoch <= o.Epochs; epoch++)
            {
                var watch = Stopwatch.StartNew();
                long epochPhase = Stopwatch.GetTimestamp();
                network.train();
                if (o.Shuffle)
                    shuffle.Shuffle(order);
                double sum = 0;
                // One index tensor per epoch over the shuffled order (shares the array; a batch narrows it) instead
                // of a pinned array and a tensor per batch.
                using var epochOrder = torch.from_array(order);
                using var epochIndex = dataDevice.type == DeviceType.CPU ? epochOrder.alias() : epochOrder.to(dataDevice);
                for (int start = 0; start < nTrain; start += o.BatchSize)
                {
                    using var batchScope = torch.NewDisposeScope();
                    int count = Math.Min(o.BatchSize, nTrain - start);
                    var idx = epochIndex.narrow(0, start, count);
                    var xb = OnDevice(xTrain.index_select(0, idx), dev);
                    var yb = OnDevice(yTrain.index_select(0, idx), dev);
                    optimizer.zero_grad();
                    var loss = ComputeLoss(network.call(xb), yb, o);
                    loss.backward();
                    if (o.GradientClipNorm is float clip)
                        torch.nn.utils.clip_grad_norm_(network.parameters(), clip);
                    optimizer.step();
                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                        throw Diverged(epoch, "training", value, o);
                    sum += value * count;
                    if (FinalizerCollectInterval > 0 && ++batchesSinceCollect >= FinalizerCollectInterval)
                    {
                        batchesSinceCollect = 0;
                        CollectImplicitScalars();
                    }
                }
                double trainLoss = sum / nTrain;
                batchSeconds += Stopwatch.GetElapsedTime(epochPhase).TotalSeconds;
                epochPhase = Stopwatch.GetTimestamp();
                double? valLoss = xVal is null ? null : Evaluate(network, xVal, yVal!, dev, o);
                if (valLoss is double v && !double.IsFinite(v))
                    throw Diverged(epoch, "validation", v, o);
                validationSeconds += Stopwatch.GetElapsedTime(epochPhase).TotalSeconds;
                epochPhase = Stopwatch.GetTimestamp();
                watch.Stop();
                var result = new LstmEpochResult(epoch, trainLoss, valLoss, watch.Elapsed);
                history.Add(result);
                o.Progress?.Report(new LstmEpochProgress(epoch, o.Epochs, trainLoss, valLoss, watch.Elapsed));
                log?.Info(MessageSensitivity.None,
                    $"Epoch {epoch}/{o.Epochs}: train loss {trainLoss:G6}" + (valLoss is double vl ? $", validation loss {vl:G6}" : "") +
                    $", {watch.Elapsed.TotalSeconds:F2} s.");

                double monitored = valLoss ?? trainLoss;
                bool improved = monitored < best - o.EarlyStoppingMinDelta;
                if (improved)
                {
                    best = monitored;
                    bestEpoch = epoch;
                    wait = 0;
                    if (o.RestoreBestWeights)
                        bestWeights = network.GetWeights(t);
                }
                else
                {
                    wait++;
                }
                if (o.CheckpointDirectory is not null)
                {
                    var info = new LstmCheckpointInfo(LstmCheckpointInfo.CurrentFormatVersion, epoch, bestEpoch, best, trainLoss, valLoss,
                        archHash, t, f, h, o.HiddenSizes.ToArray(), o.Optimizer.ToString());
                    LstmCheckpoint.Write(o.CheckpointDirectory, LstmCheckpoint.LastName, network, optimizer, info);
                    if (improved)
                        LstmCheckpoint.Write(o.CheckpointDirectory, LstmCheckpoint.BestName, network, optimizer, info);
                    log?.Trace(MessageSensitivity.None, $"Checkpoint of epoch {epoch} written to '{o.CheckpointDirectory}'{(improved ? " (also as best)" : "")}.");
                }
                afterEpochSeconds += Stopwatch.GetElapsedTime(epochPhase).TotalSeconds;
                if (o.EarlyStoppingPatience > 0 && wait >= o.EarlyStoppingPatience)
                {
                    log?.Info(MessageSensitivity.None,
                        $"Early stopping after epoch {epoch}: no improvement for {wait} epoch(s); best epoch {bestEpoch} ({best:G6}).");
                    break;
                }
            }
            if (LstmFitDiagnostics.PhaseObserver is { } observe)
            {
                observe("epochs: shuffle + batches", batchSeconds);
                observe("epochs: validation", validationSeconds);
                observe("epochs: best weights, checkpoints, progress", afterEpochSeconds);
            }
            phase = Stopwatch.GetTimestamp();

            int lastEpoch = history.Count > 0 ? history[^1].Epoch : startEpoch - 1;
            if (o.RestoreBestWeights && bestWeights is not null && bestEpoch != lastEpoch)
            {
                finalWeights = bestWeights;
                log?.Info(MessageSensitivity.None, $"Restored the weights of the best epoch, {bestEpoch}.");
            }
            else
            {
                finalWeights = network.GetWeights(t);
                if (!o.RestoreBestWeights || bestWeights is null)
                    bestEpoch = lastEpoch;
            }
        }

        phase = LstmFitDiagnostics.Lap("final weights, dispose tensors", phase);
        var layout = cols.ToLayout();
        var onnx = LstmOnnxExporter.Export(finalWeights, layout);
        phase = LstmFitDiagnostics.Lap("ONNX export", phase);
        var settings = new LstmTrainingSettings
        {
            LabelColumnName = cols.LabelColumnName,
            FeatureColumnName = cols.FeatureColumnName,
            WindowSize = cols.WindowSize,
            FeatureCount = cols.FeatureCount,
            Horizon = cols.Horizon,
            TargetIndex = cols.TargetIndex,
            Normalization = cols.NormalizationMode,
            HiddenSizes = o.HiddenSizes.ToArray(),
            Dropout = o.Dropout,
            Epochs = o.Epochs,
            BatchSize = o.BatchSize,
            LearningRate = o.LearningRate,
            Optimizer = o.Optimizer.ToString(),
            Momentum = o.Momentum,
            Loss = o.Loss.ToString(),
            HuberDelta = o.HuberDelta,
            WeightDecay = o.WeightDecay,
            GradientClipNorm = o.GradientClipNorm,
            Shuffle = o.Shuffle,
            Seed = o.Seed,
            ValidationFraction = o.ValidationFraction,
            HasValidationSet = o.ValidationSet is not null,
            EarlyStoppingPatience = o.EarlyStoppingPatience,
            RestoreBestWeights = o.RestoreBestWeights,
            Device = device.Device.ToString(),
            TrainingRowCount = nTrain,
            ValidationRowCount = validationData?.Count ?? nValFromSplit,
        };
        var model = new LstmForecastingTransformer(onnx, finalWeights, layout, history, bestEpoch, settings, input);
        LstmFitDiagnostics.Lap("OnnxTransformer creation", phase);
        return model;
    }

    /// <summary>
    /// Batches between two <see cref="CollectImplicitScalars"/> (internal so that the benchmark can vary it; 0 or less
    /// turns the collection off).
    /// </summary>
    internal static int FinalizerCollectInterval = 1;

    /// <summary>
    /// TorchSharp's optimizers convert doubles to <c>Scalar</c>s implicitly in every step and never dispose them
    /// (dotnet/TorchSharp#1496): their small native blocks are freed only by finalizers. On glibc they land above the
    /// batch's large freed activation buffers and keep the heap from reusing or trimming them, so the resident set grows
    /// by about one batch's activations per batch until the next GC (2.1 GB peak on the 1,000,000-row benchmark, see
    /// docs/benchmarks.md), and every batch then works in freshly faulted pages (several times slower). A
    /// young-generation collection after every batch frees them; it costs well under a millisecond and changes no
    /// numbers.
    /// </summary>
    private static void CollectImplicitScalars()
    {
        // Generation 0 is enough: the step's Scalars are dead here, so this GC queues their finalizers, which free the
        // native blocks on the finalizer thread (not waited for).
        GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false);
        // Where the heap thresholds are tuned for training (NativeHeap), freed batch buffers are meant to stay for the
        // next batch: trimming them would fault them back in. Otherwise return the free pages now and then.
        if (Interlocked.Increment(ref _collections) % 128 == 0 && !NativeHeap.IsTunedForTraining)
            NativeHeap.Trim();
    }

    private static int _collections;

    // The validation loss drives early stopping and RestoreBestWeights, so it must come from a correct forward:
    // LstmNetwork.ForwardForEvaluation (eval mode, autograd on), never a no_grad forward, whose oneDNN LSTM kernel
    // is wrong on some CPUs (see that method and docs/trainer.md, "Known platform issues").
    /// <summary>The tensor itself when it is already on <paramref name="device"/>, else a copy there.</summary>
    private static Tensor OnDevice(Tensor tensor, Device device) =>
        tensor.device_type == device.type && (device.type == DeviceType.CPU || tensor.device_index == device.index) ? tensor : tensor.to(device);

    private static double Evaluate(LstmNetwork network, Tensor x, Tensor y, Device device, Options o)
    {
        long n = x.shape[0];
        double sum = 0;
        int batch = Math.Max(o.BatchSize, 256);
        for (long start = 0; start < n; start += batch)
        {
            using var scope = torch.NewDisposeScope();
            long count = Math.Min(batch, n - start);
            var loss = ComputeLoss(network.ForwardForEvaluation(OnDevice(x.narrow(0, start, count), device)), OnDevice(y.narrow(0, start, count), device), o);
            sum += loss.item<float>() * (double)count;
        }
        return sum / n;
    }

    private static Tensor ComputeLoss(Tensor prediction, Tensor target, Options o) => o.Loss switch
    {
        LstmLoss.Mse => torch.nn.functional.mse_loss(prediction, target),
        LstmLoss.Mae => torch.nn.functional.l1_loss(prediction, target),
        LstmLoss.Huber => torch.nn.functional.huber_loss(prediction, target, delta: o.HuberDelta),
        _ => throw new ArgumentOutOfRangeException(nameof(o.Loss), o.Loss, "Unknown loss."),
    };

    private static torch.optim.Optimizer CreateOptimizer(LstmNetwork network, Options o) => o.Optimizer switch
    {
        LstmOptimizer.Adam => torch.optim.Adam(network.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
        LstmOptimizer.AdamW => torch.optim.AdamW(network.parameters(), o.LearningRate, weight_decay: o.WeightDecay),
        LstmOptimizer.Sgd => torch.optim.SGD(network.parameters(), o.LearningRate, momentum: o.Momentum, weight_decay: o.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(o.Optimizer), o.Optimizer, "Unknown optimizer."),
    };

    private static InvalidOperationException Diverged(int epoch, string which, double value, Options o) =>
        new($"Training diverged in epoch {epoch}: the {which} loss is {value}. Try a lower LearningRate than {o.LearningRate} " +
            "(or set GradientClipNorm), and check the data for NaN or huge values (normalise the windows).");
}
