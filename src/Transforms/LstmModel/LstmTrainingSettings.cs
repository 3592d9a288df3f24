namespace MLNet.Lstm;

/// <summary>
/// A plain-data snapshot of the settings a fitted <see cref="LstmForecastingTransformer"/> was trained with
/// (the trainer's options, resolved: window shape, horizon, device actually used).
/// </summary>
public sealed record LstmTrainingSettings
{
    /// <summary>The label column.</summary>
    public string LabelColumnName { get; init; } = "Label";

    /// <summary>The window (feature) column.</summary>
    public string FeatureColumnName { get; init; } = "Window";

    /// <summary>The window length T.</summary>
    public int WindowSize { get; init; }

    /// <summary>The number of features per step F.</summary>
    public int FeatureCount { get; init; }

    /// <summary>The number of predicted steps h.</summary>
    public int Horizon { get; init; }

    /// <summary>The index of the target among the window's features (used for de-normalisation).</summary>
    public int TargetIndex { get; init; }

    /// <summary>The window normalisation read from the window column, or <see langword="null"/> when the windows are raw.</summary>
    public WindowNormalization? Normalization { get; init; }

    /// <summary>Hidden size of each LSTM layer.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = Array.Empty<int>();

    /// <summary>The recurrent cell of the layers.</summary>
    public RecurrentCell Cell { get; init; } = RecurrentCell.Lstm;

    /// <summary>The known-future covariate column the model reads (h·C values), or null for none.</summary>
    public string? FutureColumnName { get; init; }

    /// <summary>
    /// The seasonal period m the network uses (its layers read seasonal differences and its output adds the
    /// seasonal-naive value), 0 for none: the trainer's <c>SeasonalPeriod</c>, or the period it detected with
    /// <c>AutoSeasonalPeriod</c>. A loaded model reports the period of its graph (<c>mlnet_lstm.seasonal_period</c>).
    /// </summary>
    public int SeasonalPeriod { get; init; }

    /// <summary>
    /// With <c>AutoSeasonalPeriod</c>, a detected period and validation windows: the period detected and the validation
    /// errors (MSE in label units, compared; normalised losses, reported) of the plain and the seasonal candidate
    /// (<see cref="SeasonalPeriod"/> is the one it kept, 0 for the plain network). Null when no choice was made (an explicit period, no period detected, no
    /// validation windows, a warm start) and for a loaded model (the file holds the chosen network only).
    /// </summary>
    public LstmSeasonalSelection? SeasonalSelection { get; init; }

    /// <summary>
    /// The configuration chosen by validation (docs/trainer.md, "Candidate selection"): for a model of
    /// <c>ForecastByLstm(ForecastByLstmOptions)</c> every candidate of its search with its hold-out sMAPE; for a trainer
    /// fit with <c>AutoSeasonalPeriod</c> that chose, the plain and the seasonal candidate with their validation MSE.
    /// Null when no choice was made and for a loaded model (the file holds the chosen network only).
    /// </summary>
    public LstmCandidateSelection? CandidateSelection { get; init; }

    /// <summary>
    /// For a model of <c>ForecastByLstm(ForecastByLstmOptions)</c>: how the training series fare with the chosen
    /// window and the horizon (how many give training windows, how many are too short for one, how many
    /// <c>ForecastBySeries</c> forecasts from left-padded rows). Null for a trainer fit and a loaded model.
    /// </summary>
    public SeriesLengthSummary? SeriesLengths { get; init; }

    /// <summary>What the layers read with a <see cref="SeasonalPeriod"/> (<see cref="SeasonalNetworkInput.Differences"/> without one).</summary>
    public SeasonalNetworkInput SeasonalInput { get; init; } = SeasonalNetworkInput.Differences;

    /// <summary>Dropout rate between layers and before the head.</summary>
    public float Dropout { get; init; }

    /// <summary>Maximum number of epochs.</summary>
    public int Epochs { get; init; }

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; }

    /// <summary>Learning rate.</summary>
    public float LearningRate { get; init; }

    /// <summary>The optimizer.</summary>
    public LstmOptimizer Optimizer { get; init; } = LstmOptimizer.Adam;

    /// <summary>The learning-rate schedule of the fit.</summary>
    public LstmLearningRateSchedule LearningRateSchedule { get; init; } = LstmLearningRateSchedule.Constant;

    /// <summary>Momentum (SGD only).</summary>
    public float Momentum { get; init; }

    /// <summary>The training loss (member 0's when <see cref="MemberLosses"/> is set).</summary>
    public LstmLoss Loss { get; init; } = LstmLoss.Mse;

    /// <summary>
    /// The losses of a loss ensemble, one per member network in order (a model of
    /// <c>ForecastByLstm(ForecastByLstmOptions)</c>: docs/trainer.md, "The one call"); null when every member trained
    /// with <see cref="Loss"/>.
    /// </summary>
    public IReadOnlyList<LstmLoss>? MemberLosses { get; init; }

    /// <summary>Huber loss threshold.</summary>
    public float HuberDelta { get; init; }

    /// <summary>Weight decay (L2 for Adam and SGD, decoupled for AdamW).</summary>
    public float WeightDecay { get; init; }

    /// <summary>Gradient clipping by global norm, or <see langword="null"/> for none.</summary>
    public float? GradientClipNorm { get; init; }

    /// <summary>Whether training windows were shuffled each epoch.</summary>
    public bool Shuffle { get; init; }

    /// <summary>The random seed the fit used: the trainer's <c>Seed</c>, or the one drawn from its <c>Context</c>.</summary>
    public int Seed { get; init; }

    /// <summary>The fraction of windows held out for validation (from the end, in time order).</summary>
    public float ValidationFraction { get; init; }

    /// <summary>Whether a separate validation set was given.</summary>
    public bool HasValidationSet { get; init; }

    /// <summary>Early stopping patience in epochs (0: off).</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>Whether the best epoch's weights were restored at the end.</summary>
    public bool RestoreBestWeights { get; init; }

    /// <summary>The number of member networks averaged in the model (the trainer's <c>EnsembleSize</c>; 1 for a single network).</summary>
    public int EnsembleSize { get; init; } = 1;

    /// <summary>The torch device training ran on, e.g. <c>cpu</c> or <c>cuda:0</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The number of training windows (after the validation split) and of validation windows.</summary>
    public int TrainingRowCount { get; init; }

    /// <summary>The number of validation windows.</summary>
    public int ValidationRowCount { get; init; }
}
