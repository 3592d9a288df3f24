using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm.Training;

namespace MLNet.Lstm;

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

        /// <summary>
        /// The recurrent cell of the stacked layers: <see cref="RecurrentCell.Lstm"/> (the default) or
        /// <see cref="RecurrentCell.Gru"/> (TorchSharp <c>nn.GRU</c>, exported as the ONNX <c>GRU</c> operator).
        /// </summary>
        public RecurrentCell Cell { get; set; } = RecurrentCell.Lstm;

        /// <summary>
        /// The column of known-future covariates: a known-size Single vector of h·C values (the C covariates at each of
        /// the h label steps, step-major, dimensions [h, C]), fed to the head next to the last hidden state (raw, not
        /// normalised) and exported as the ONNX graph's second input of the same name. Null (the default): the window
        /// column's <c>WindowFutureColumn</c> annotation (set by <c>SlidingWindow</c> with
        /// <c>FutureCovariateColumnNames</c>), or no future covariates when it has none.
        /// </summary>
        public string? FutureColumnName { get; set; }

        /// <summary>Dropout rate between LSTM layers and before the linear head, in [0, 1).</summary>
        public float Dropout { get; set; } = 0.2f;

        /// <summary>Maximum number of epochs.</summary>
        public int Epochs { get; set; } = 2;

        /// <summary>Mini-batch size.</summary>
        public int BatchSize { get; set; } = 32;

        /// <summary>Learning rate.</summary>
        public float LearningRate { get; set; } = 0.001f;

        /// <summary>
        /// How the learning rate changes over the epochs: <see cref="LstmLearningRateSchedule.Constant"/> (default),
        /// <see cref="LstmLearningRateSchedule.Cosine"/> or <see cref="LstmLearningRateSchedule.ReduceOnPlateau"/>
        /// (the enum documents the rules).
        /// </summary>
        public LstmLearningRateSchedule LearningRateSchedule { get; set; } = LstmLearningRateSchedule.Constant;

        /// <summary>The optimizer.</summary>
        public LstmOptimizer Optimizer { get; set; } = LstmOptimizer.Adam;

        /// <summary>Momentum of <see cref="LstmOptimizer.Sgd"/>.</summary>
        public float Momentum { get; set; } = 0.9f;

        /// <summary>
        /// The training loss (also the validation loss that early stopping watches): <see cref="LstmLoss.Mse"/> (the
        /// default), <see cref="LstmLoss.Mae"/>, <see cref="LstmLoss.Huber"/> or the scale-free <see cref="LstmLoss.Mase"/>.
        /// </summary>
        public LstmLoss Loss { get; set; } = LstmLoss.Mse;

        /// <summary>Threshold of <see cref="LstmLoss.Huber"/>.</summary>
        public float HuberDelta { get; set; } = 1f;

        /// <summary>Weight decay (L2 penalty for Adam and SGD, decoupled for AdamW); 0 for none.</summary>
        public float WeightDecay { get; set; }

        /// <summary>Clips the gradients' global L2 norm to this value; null for no clipping.</summary>
        public float? GradientClipNorm { get; set; }

        /// <summary>Whether to shuffle the training windows each epoch (seeded by <see cref="Seed"/>).</summary>
        public bool Shuffle { get; set; } = true;

        /// <summary>
        /// Seed of torch's generator (initial weights, dropout) and of the shuffle; fits with the same seed on the CPU
        /// give identical weights. Null (the default): drawn from <see cref="Context"/>'s random generator, as ML.NET's
        /// own trainers seed themselves from their environment (so <c>new MLContext(seed: n)</c> makes the fits of a
        /// program reproducible), or 0 without a context. The seed used is in the model's
        /// <see cref="LstmTrainingSettings.Seed"/>.
        /// </summary>
        public int? Seed { get; set; }

        /// <summary>
        /// Fraction of the labelled windows held out for validation, taken from the end (time order), in [0, 1). For
        /// keyed windows (a multi-series <c>SlidingWindow</c>) the last fraction of each series' windows, rounded per
        /// series (docs/trainer.md, "Validation of keyed windows").
        /// </summary>
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

        /// <summary>Receives each epoch's number, training and validation loss and duration (with an
        /// <see cref="AutoSeasonalPeriod"/> choice, both candidates' epochs, the plain network's first).</summary>
        public IProgress<LstmEpochProgress>? Progress { get; set; }

        /// <summary>
        /// The <see cref="MLContext"/> the trainer works for, as ML.NET's own trainers take theirs from their
        /// environment: it writes its messages to the context's log (subscribe to <see cref="MLContext.Log"/>, source
        /// <c>LstmForecastingTrainer</c>: the data, the device, each epoch, early stopping, restored weights,
        /// checkpoints), reports each epoch on the context's progress channel, and draws the seed from the context's
        /// random generator when <see cref="Seed"/> is null. ML.NET gives catalog extensions from other assemblies no
        /// access to the context that created <c>mlContext.Forecasting</c> (its environment is internal), so it is
        /// passed here. Null (the default): no messages, and seed 0 when <see cref="Seed"/> is null.
        /// </summary>
        public MLContext? Context { get; set; }

        /// <summary>
        /// Cancels the fit: checked before every batch. A cancelled fit throws <see cref="OperationCanceledException"/>;
        /// the checkpoints of the epochs completed before it stay valid, so <see cref="ResumeFromCheckpoint"/> continues
        /// from the last one.
        /// </summary>
        public CancellationToken CancellationToken { get; set; }

        /// <summary>
        /// The number of member networks of a seed ensemble (default 1: one network). Each member is the whole network,
        /// trained in turn on the same windows with its own seed (member 0 with the fit's seed, member i with that
        /// seed + i · 1,000,003), its own validation, early stopping and best-weight restore; the model's
        /// ONNX graph averages the members' outputs, so scoring, saving and loading are unchanged. Training takes k
        /// times as long, scoring about k times the network's share. The model's training history is member 0's. Not
        /// combinable with <see cref="CheckpointDirectory"/>, <see cref="ResumeFromCheckpoint"/> or
        /// <see cref="InitialModel"/>. With <see cref="Quantiles"/> each member has its own quantile head and the graph
        /// averages the members' non-crossing quantiles; with <see cref="ConformalLevel"/> the widths are calibrated on
        /// the members' average.
        /// </summary>
        public int EnsembleSize { get; set; } = 1;

        /// <summary>
        /// The one call's loss ensemble (internal; docs/trainer.md, "The one call"): member i of the ensemble trains
        /// with the loss and the epochs of <c>MemberPlans[i mod n]</c> instead of <see cref="Loss"/> and
        /// <see cref="Epochs"/>, as N-BEATS ensembles over losses. Null: every member trains with those options.
        /// </summary>
        internal IReadOnlyList<LstmMemberPlan>? MemberPlans { get; set; }

        /// <summary>
        /// The one call's candidates (internal; docs/trainer.md, "The one call"): early stopping and the best weights
        /// follow the validation windows' sMAPE in the target's units (the search's metric) instead of the training
        /// loss on normalised windows, whose relative errors are large where a window's last value is small.
        /// </summary>
        internal bool EarlyStopOnSmape { get; set; }

        /// <summary>
        /// Quantile levels for a quantile head (docs/intervals-and-backtesting.md): values in (0, 1), sorted
        /// and distinct; 0.5 is added when missing. The head then predicts h × q non-crossing quantiles trained with
        /// the pinball loss (summed over steps and quantiles; it replaces <see cref="Loss"/>, which must stay
        /// <see cref="LstmLoss.Mse"/>), and the model outputs <c>Score</c> (the 0.5 quantile), <c>LowerBound</c>,
        /// <c>UpperBound</c> (the lowest and highest quantile) and <c>Quantiles</c> (<c>[h, q]</c>, quantile-minor).
        /// Null (the default): a point model.
        /// </summary>
        public float[]? Quantiles { get; set; }

        /// <summary>
        /// The level of a split-conformal interval (e.g. 0.9), in (0, 1): the last <see cref="CalibrationFraction"/>
        /// of the labelled windows (those left after the validation split, in time order) are held out of training,
        /// and the finite-sample conformal quantile of their absolute residuals per step (with <see cref="Quantiles"/>:
        /// of <c>max(lo − y, y − hi)</c>, conformalised quantile regression) widens the forecast into
        /// <c>LowerBound</c> / <c>UpperBound</c>. Null (the default): no calibration.
        /// </summary>
        public float? ConformalLevel { get; set; }

        /// <summary>The fraction of the labelled windows (after the validation split) held out to calibrate <see cref="ConformalLevel"/>, in (0, 1); default 0.2; per series for keyed windows, as <see cref="ValidationFraction"/>.</summary>
        public float CalibrationFraction { get; set; } = 0.2f;

        /// <summary>
        /// The value of <see cref="SeasonalPeriod"/> that detects the period at <c>Fit</c> from the training windows'
        /// target column and, with validation windows, keeps the seasonal network unless the plain network's validation
        /// MSE in the label's own units is lower by more than one standard error (<see cref="SeasonalPeriod"/> documents the rules).
        /// </summary>
        public const int AutoSeasonalPeriod = -1;

        /// <summary>
        /// A seasonal period m ≥ 1 builds seasonal differencing into the network (docs/trainer.md, "Seasonal period"):
        /// in the normalised window space, the recurrent layers read the seasonal differences
        /// <c>d[t] = x[t] − x[t−m]</c> for t = m .. T−1 (or the levels and differences, <see cref="SeasonalInput"/>),
        /// and the head's output gets the seasonal-naive value added, <c>out[k] = head[k] + x[T − m + (k mod m), target]</c>
        /// for step k, the last observed value of the step's season (for every quantile of the step, which keeps
        /// quantiles non-crossing), so any horizon, also one longer than m, is forecast directly. With a network output
        /// of 0 the model is the seasonal-naive forecast; with m = 1 it is persistence plus a learned change. Needs a
        /// window of at least m + 2 steps (checked at <c>Fit</c>). The ONNX graph holds the same steps, so
        /// scoring, saving and loading are unchanged; the model reports the period in
        /// <see cref="LstmTrainingSettings.SeasonalPeriod"/> and <see cref="LstmModelSummary.SeasonalPeriod"/>.
        /// <para>0 (the default): off, the plain network. <see cref="AutoSeasonalPeriod"/> (−1): detected at
        /// <c>Fit</c> from the training windows (after the validation and calibration splits): the autocorrelation of the
        /// target column's first differences, pooled over the windows, at lags 2 .. T−3; the lag with the largest
        /// autocorrelation among the local maxima above 0.3 is the period, and with none the
        /// network is the plain one. On the training rows of the accuracy suite's series (docs/accuracy.md) it finds 12
        /// for ukdriverdeaths and usaccdeaths, 4 for ukgas and johnsonjohnson, and nothing for bjsales, nile and the DAX.
        /// With <see cref="InitialModel"/>, auto takes the initial model's period.</para>
        /// <para>With a period found and validation windows (<see cref="ValidationFraction"/> &gt; 0 or a
        /// <see cref="ValidationSet"/>), auto chooses rather than imposes: it trains the plain network and the seasonal
        /// one (that period, <see cref="SeasonalInput"/>), each exactly as a fit with <see cref="SeasonalPeriod"/> 0 or
        /// m would (same seed, ensemble members, early stopping, best-weight restore), and keeps the seasonal one unless
        /// the plain one's validation MSE in the label's own units is lower by more than one standard error of the
        /// window-by-window difference of their squared errors (<see cref="LstmSeasonalSelection.SeasonalChosen"/>).
        /// That MSE is the point prediction
        /// (the median with <see cref="Quantiles"/>; with an ensemble the members' averaged prediction, as the model
        /// makes it) of the weights each candidate keeps, on the validation windows, with prediction and label
        /// de-normalised by each window's target shift and scale, averaged over windows and horizon steps. It is not
        /// the normalised validation loss, which weights each window by 1/scale² and so over-weights quiet windows (on
        /// ukgas it favoured the plain network, whose test error is several times the seasonal one's). The fit
        /// takes twice as long; <see cref="LstmTrainingSettings.SeasonalSelection"/> holds both errors and the log
        /// says which network was kept (a plain choice gives the graph of <see cref="SeasonalPeriod"/> = 0, byte for
        /// byte). Without validation windows the seasonal network is kept untested (logged). Auto with validation
        /// windows cannot be combined with <see cref="CheckpointDirectory"/> or <see cref="ResumeFromCheckpoint"/>
        /// (a checkpoint holds one network; set the period, or 0, to checkpoint).</para>
        /// </summary>
        public int SeasonalPeriod { get; set; }

        /// <summary>
        /// What the recurrent layers read with a <see cref="SeasonalPeriod"/>: <see cref="SeasonalNetworkInput.Differences"/>
        /// (the seasonal differences alone; null, the default, means this),
        /// <see cref="SeasonalNetworkInput.LevelsAndDifferences"/> (the levels x[t] and the differences d[t], 2F features
        /// per step) or <see cref="SeasonalNetworkInput.StandardizedDifferences"/> (the differences standardised by their
        /// own window mean μ and deviation σ per column, and <c>out[k] = x[T − m + (k mod m), target] + μ + σ · head[k]</c>: a zero
        /// head is the seasonal naive forecast plus the window's mean seasonal change). Setting it with <see cref="SeasonalPeriod"/> = 0 is an error; with <see cref="AutoSeasonalPeriod"/>
        /// it applies when a period is found.
        /// </summary>
        public SeasonalNetworkInput? SeasonalInput { get; set; }

        /// <summary>A shallow copy of these options, to change for a candidate of a fit (<see cref="LstmFit.WithOptions"/>).</summary>
        internal Options Copy() => (Options)MemberwiseClone();

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
            Check(Enum.IsDefined(Loss), nameof(Loss), Loss, $"one of {string.Join(", ", Enum.GetNames<LstmLoss>())}");
            Check(HuberDelta > 0, nameof(HuberDelta), HuberDelta, "positive");
            Check(WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "0 or positive");
            Check(GradientClipNorm is null || GradientClipNorm > 0, nameof(GradientClipNorm), GradientClipNorm, "null or positive");
            Check(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), ValidationFraction, "in [0, 1)");
            Check(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), EarlyStoppingPatience, "0 (off) or positive");
            Check(EarlyStoppingMinDelta >= 0, nameof(EarlyStoppingMinDelta), EarlyStoppingMinDelta, "0 or positive");
            Check(Enum.IsDefined(LearningRateSchedule), nameof(LearningRateSchedule), LearningRateSchedule, "Constant, Cosine or ReduceOnPlateau");
            Check(EnsembleSize >= 1, nameof(EnsembleSize), EnsembleSize, "1 (one network) or more");
            Check(SeasonalPeriod >= 0 || SeasonalPeriod == AutoSeasonalPeriod, nameof(SeasonalPeriod), SeasonalPeriod,
                $"0 (off), a period of 1 or more, or AutoSeasonalPeriod ({AutoSeasonalPeriod}, detected at Fit)");
            Check(SeasonalInput is null || Enum.IsDefined(SeasonalInput.Value), nameof(SeasonalInput), SeasonalInput,
                $"null or one of {string.Join(", ", Enum.GetNames<SeasonalNetworkInput>())}");
            if (SeasonalInput is not null && SeasonalPeriod == 0)
                throw new ArgumentOutOfRangeException(nameof(SeasonalInput), SeasonalInput,
                    $"SeasonalInput is {SeasonalInput} but SeasonalPeriod is 0 (off), so the network reads the plain windows and SeasonalInput would be ignored. " +
                    $"Set SeasonalPeriod (a period, or AutoSeasonalPeriod = {AutoSeasonalPeriod}) or leave SeasonalInput null.");
            if (EnsembleSize > 1 && (CheckpointDirectory is not null || ResumeFromCheckpoint is not null || InitialModel is not null))
                throw new ArgumentOutOfRangeException(nameof(EnsembleSize), EnsembleSize,
                    "EnsembleSize > 1 trains several networks, which CheckpointDirectory, ResumeFromCheckpoint and InitialModel (one network each) do not support; set EnsembleSize = 1 or leave those options null.");
            if (SeasonalPeriod == AutoSeasonalPeriod && InitialModel is null && (ValidationFraction > 0 || ValidationSet is not null)
                && (CheckpointDirectory is not null || ResumeFromCheckpoint is not null))
                throw new ArgumentOutOfRangeException(nameof(SeasonalPeriod), SeasonalPeriod,
                    "SeasonalPeriod = AutoSeasonalPeriod with validation windows trains two candidate networks (plain and seasonal) and keeps one of them by their validation error, " +
                    "but CheckpointDirectory and ResumeFromCheckpoint hold one network. To checkpoint, set SeasonalPeriod to the period (e.g. the one a fit without checkpoints chose, " +
                    "its Settings.SeasonalPeriod) or to 0 for the plain network, or leave CheckpointDirectory and ResumeFromCheckpoint null.");
            if (InitialModel is { Weights.EnsembleSize: > 1 } ensemble)
                throw new ArgumentOutOfRangeException(nameof(InitialModel), ensemble.Weights.EnsembleSize,
                    $"InitialModel is an ensemble of {ensemble.Weights.EnsembleSize} networks; a warm start needs a single network (EnsembleSize = 1).");
            Check(WindowSize is null || WindowSize > 0, nameof(WindowSize), WindowSize, "null or positive");
            Check(Enum.IsDefined(Cell), nameof(Cell), Cell, $"{RecurrentCell.Lstm} or {RecurrentCell.Gru}");
            Check(FutureColumnName is null || !string.IsNullOrWhiteSpace(FutureColumnName), nameof(FutureColumnName), FutureColumnName, "null or a column name");
            IntervalOptions.Validate(Quantiles, ConformalLevel, CalibrationFraction, Loss);
            Check(Device is not null, nameof(Device), Device, "set");
            Device!.Validate();
            if (Device.Seed is long deviceSeed && deviceSeed != Seed)
                throw new ArgumentOutOfRangeException(nameof(Device), deviceSeed,
                    $"Device.Seed is {deviceSeed} but the trainer's Seed is {Seed?.ToString() ?? "null (drawn from Context)"}; the trainer seeds torch with Seed. Set Seed = {deviceSeed} and leave Device.Seed null.");
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

    /// <summary>What this trainer's fits report as they run (phase ends, batch starts), for the benchmarks and tests.</summary>
    internal LstmFitEvents Events { get; } = new();

    /// <summary>The output schema: the input plus <c>Score</c> (Vector&lt;Single&gt; of h values), and <c>LowerBound</c>, <c>UpperBound</c> (, <c>Quantiles</c>) with <see cref="Options.Quantiles"/> or <see cref="Options.ConformalLevel"/>.</summary>
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
        var transforms = new MLContext().Transforms;
        IEstimator<ITransformer> shape = transforms.Concatenate("Score", _options.FeatureColumnName);
        if (_options.Quantiles is not null || _options.ConformalLevel is not null)
        {
            shape = shape.Append(transforms.Concatenate(LstmScoringLayout.LowerBoundColumnName, _options.FeatureColumnName))
                .Append(transforms.Concatenate(LstmScoringLayout.UpperBoundColumnName, _options.FeatureColumnName));
        }
        if (_options.Quantiles is not null)
            shape = shape.Append(transforms.Concatenate(LstmScoringLayout.QuantilesColumnName, _options.FeatureColumnName));
        return shape.GetOutputSchema(inputSchema);
    }

    /// <summary>Trains the network and returns the fitted model.</summary>
    /// <param name="input">Training windows; rows whose label is NaN are skipped.</param>
    public LstmForecastingTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>Trains the network and returns the fitted model; <paramref name="cancellationToken"/> and
    /// <see cref="Options.CancellationToken"/> are checked before every batch.</summary>
    /// <param name="input">Training windows; rows whose label is NaN are skipped.</param>
    /// <param name="cancellationToken">Cancels the fit (see <see cref="Options.CancellationToken"/>).</param>
    /// <exception cref="OperationCanceledException">The fit was cancelled; the checkpoints of complete epochs stay valid.</exception>
    public LstmForecastingTransformer Fit(IDataView input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        o.Validate(); // the options object stays the caller's: check it again as it is now
        using var fit = LstmFit.Start(o, cancellationToken, Events);
        var cols = LstmColumns.Resolve(input.Schema, o.FeatureColumnName, o.LabelColumnName, o.WindowSize, o.FutureColumnName);
        if (o.CheckpointDirectory is not null)
            LstmCheckpoint.EnsureWritable(o.CheckpointDirectory);
        if (o.SeasonalPeriod > 0)
            new LstmSeasonality(o.SeasonalPeriod, o.SeasonalInput ?? SeasonalNetworkInput.Differences).Validate(cols.WindowSize, cols.Horizon);
        LstmLosses.ValidateWindow(o.Loss, cols.WindowSize);

        var data = LstmTrainingInput.Read(fit, input, cols);
        fit.Cancellation.ThrowIfCancellationRequested();
        var shape = LstmNetworkShape.Of(o, cols, SeasonalPeriodDetector.Resolve(fit, data));
        var resume = LstmResumePoint.Open(o.ResumeFromCheckpoint, shape.ArchitectureHash, o.Epochs);

        // Threads and the random generator are process-wide in torch: hold them for the whole training.
        using var seeded = TorchRandomLock.Enter();
        if (!SeasonalCandidateChoice.IsNeeded(o, data, shape.Seasonality, fit.Log))
            return LstmModelAssembler.Assemble(fit, data, LstmCandidateTrainer.FitCandidate(fit, data, shape, resume), input);
        var plain = LstmCandidateTrainer.FitCandidate(fit, data, shape with { Seasonality = LstmSeasonality.None }, scoreValidation: true);
        var seasonal = LstmCandidateTrainer.FitCandidate(fit, data, shape, scoreValidation: true);
        var (chosen, selection, candidates) = SeasonalCandidateChoice.Choose(plain, seasonal, data, o.Loss, fit.Log);
        return LstmModelAssembler.Assemble(fit, data, chosen, input, selection, candidates);
    }
}
