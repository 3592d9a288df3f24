using Microsoft.ML;

namespace MLNet.Lstm.Benchmarks;

/// <summary>
/// One explicit global chain of the m-competition suite: keyed <c>SlidingWindow</c> (window, horizon h, series key
/// <c>Series</c>) → <c>NormalizeWindows</c> → <c>Forecasting.Lstm</c> (a direct h-step head), fitted once over all
/// series of a set; forecasts come from <c>SeriesForecaster.ForecastBySeries</c>. Fixed epochs, no validation split
/// (the trainer's <c>ValidationFraction</c> holds out whole series on keyed data).
/// </summary>
/// <param name="Name">The name <c>--configs</c> selects it by.</param>
/// <param name="MonthlyWindow">Window of the monthly set.</param>
/// <param name="QuarterlyWindow">Window of the quarterly set.</param>
/// <param name="Normalization">The windows' normalisation.</param>
/// <param name="HiddenSizes">The LSTM layers.</param>
/// <param name="Loss">The training loss (on normalised labels).</param>
/// <param name="Epochs">Epochs of every ensemble member.</param>
/// <param name="BatchSize">Mini-batch size.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="EnsembleSize">Seed ensemble members, averaged.</param>
public sealed record MCompetitionChain(string Name, int MonthlyWindow, int QuarterlyWindow, WindowNormalization Normalization,
    int[] HiddenSizes, LstmLoss Loss, int Epochs, int BatchSize, float LearningRate, int EnsembleSize)
{
    /// <summary>The chain the suite runs by default (docs/accuracy.md, "M1 competition").</summary>
    public static readonly MCompetitionChain Best = new("chain", MonthlyWindow: 24, QuarterlyWindow: 12,
        WindowNormalization.RelativeToLast, new[] { 64 }, LstmLoss.Mae, Epochs: 30, BatchSize: 64, LearningRate: 1e-3f, EnsembleSize: 5);

    /// <summary>The variants tried on M1 (<c>--configs</c>), one change each from <see cref="Best"/>.</summary>
    public static readonly MCompetitionChain[] Variants =
    {
        Best with { Name = "chain w12", MonthlyWindow = 12, QuarterlyWindow = 8 },
        Best with { Name = "chain zscore mse", Normalization = WindowNormalization.ZScore, Loss = LstmLoss.Mse },
        Best with { Name = "chain ens1", EnsembleSize = 1 },
        Best with { Name = "chain e60", Epochs = 60 },
        Best with { Name = "chain ens1 e10", EnsembleSize = 1, Epochs = 10 },
    };

    /// <summary>The chain named <paramref name="name"/> (case-insensitive).</summary>
    public static MCompetitionChain Named(string name) =>
        new[] { Best }.Concat(Variants).FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown m-competition configuration '{name}'; configurations: {string.Join(", ", new[] { Best }.Concat(Variants).Select(c => c.Name))}.", nameof(name));

    /// <summary>The window of <paramref name="set"/>.</summary>
    public int WindowSize(MCompetitionSet set) => set.Period == MCompetitionSet.Monthly.Period ? MonthlyWindow : QuarterlyWindow;

    /// <summary>One line for the report.</summary>
    public string Describe() =>
        $"{Name}: keyed SlidingWindow (window {MonthlyWindow} monthly / {QuarterlyWindow} quarterly, horizon h) → NormalizeWindows({Normalization}) → " +
        $"Lstm({string.Join("×", HiddenSizes)}, loss {Loss}, {Epochs} epochs, batch {BatchSize}, Adam {LearningRate}, ensemble {EnsembleSize}, no validation) → ForecastBySeries(h)";

    /// <summary>The estimator for <paramref name="set"/> over columns <c>Series</c> (key) and <c>y</c> (target).</summary>
    public IEstimator<ITransformer> Pipeline(MLContext ml, MCompetitionSet set, int seed, int threads) =>
        ml.Transforms.SlidingWindow("Window", new[] { MCompetitionRun.TargetColumn }, WindowSize(set), set.Horizon,
                labelColumnName: "Label", seriesColumnName: MCompetitionRun.SeriesColumn)
            .Append(ml.Transforms.NormalizeWindows("Window", mode: Normalization))
            .Append(ml.Forecasting.Lstm(TrainerOptions(seed, threads)));

    /// <summary>The trainer's options (also the throughput comparison's pipeline side).</summary>
    public LstmForecastingTrainer.Options TrainerOptions(int seed, int threads) => new()
    {
        LabelColumnName = "Label",
        FeatureColumnName = "Window",
        HiddenSizes = HiddenSizes,
        Dropout = 0f,
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Loss = Loss,
        EnsembleSize = EnsembleSize,
        Seed = seed,
        Device = new TorchDeviceOptions { Device = "cpu", Threads = threads },
    };
}
