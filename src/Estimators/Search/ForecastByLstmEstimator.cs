using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Lstm.Search;
using MLNet.Lstm.Training;

namespace MLNet.Lstm;

/// <summary>
/// The one call for one or many series (<c>mlContext.Forecasting.ForecastByLstm(options)</c>; docs/trainer.md, "The
/// one call"): chooses the chain's configuration (normalisation, loss, plain or seasonal network, window length) on a
/// per-series temporal hold-out, then fits the chosen chain on all the data.
/// </summary>
/// <remarks>
/// <para>Input: one row per time step, each series' rows contiguous and in time order, with the target, every input
/// column (Single) and the series key column when <see cref="ForecastByLstmOptions.SeriesColumnName"/> is set.</para>
/// <para>Output: the fitted chain <c>SlidingWindow</c> → <c>NormalizeWindows</c> → <see cref="LstmForecastingTransformer"/>,
/// with the columns <c>Window</c>, its shift and scale columns, <c>Label</c> and <c>Score</c> (h values in the target's
/// units), so <c>SeriesForecaster</c>, <c>Backtest</c>, saving, <c>LoadModel</c> and <c>ExportOnnx</c> work on it as on
/// an explicit chain. The search's report is the model's <c>Settings.CandidateSelection</c> (not part of a saved file).</para>
/// </remarks>
public sealed class ForecastByLstmEstimator : IEstimator<TransformerChain<LstmForecastingTransformer>>, ISlidingWindowPipeline
{
    /// <summary>Creates the estimator; prefer <c>mlContext.Forecasting.ForecastByLstm(options)</c>.</summary>
    /// <param name="options">The options (validated here and again at <c>Fit</c>).</param>
    public ForecastByLstmEstimator(ForecastByLstmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The options.</summary>
    public ForecastByLstmOptions Options { get; }

    /// <summary>The candidates' and final fit's training settings (tests shorten them).</summary>
    internal ForecastByLstmSearchSettings SearchSettings { get; set; } = new();

    /// <summary>The windowing the fit makes, for <c>Backtest</c>: the options' window length, or 2 when it is chosen at <c>Fit</c>.</summary>
    SlidingWindowEstimator.Options ISlidingWindowPipeline.SlidingWindowSettings
        => SearchChain.WindowOptions(Options, Math.Max(2, Options.WindowSize));

    /// <summary>The chain's output schema (the window, shift, scale, label and score columns added to the input's).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var c = new SearchCandidate(WindowNormalization.ZScore, LstmLoss.Mse, 0, Math.Max(2, Options.WindowSize));
        var trainer = new LstmForecastingTrainer(SearchChain.Trainer(Options, SearchSettings, c, false, 0));
        return SearchChain.Prefix(Options, c).Append(trainer).GetOutputSchema(inputSchema);
    }

    /// <summary>Searches the configuration and fits the chosen chain on all of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentException">A column is missing (named), or every series is too short for the window and horizon.</exception>
    /// <exception cref="InvalidOperationException">The series' rows are not contiguous per key.</exception>
    /// <exception cref="OperationCanceledException">The options' cancellation token was cancelled.</exception>
    public TransformerChain<LstmForecastingTransformer> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = Options;
        o.Validate();
        var clock = Stopwatch.StartNew();
        using var log = o.Context is null ? null : ((IHostEnvironment)o.Context).Start(nameof(ForecastByLstmEstimator));
        var table = SearchSeriesTable.Read(input, o.TargetColumnName, o.SeriesColumnName);
        int period = SearchPeriodDetector.Detect(table, o.Horizon, o.WindowSize);
        var windows = HoldOutPlan.CoveringWindows(table, o.Horizon, HoldOutPlan.FeasibleWindows(table, o.Horizon, WindowCandidates(period)), out var leftOut);
        if (leftOut is not null)
            log?.Info(MessageSensitivity.None, $"ForecastByLstm: {leftOut}.");
        log?.Info(MessageSensitivity.None, $"ForecastByLstm: {table.Series.Count} series of {table.Series.Min(s => s.Length)} to {table.Series.Max(s => s.Length)} rows; " +
            $"seasonal period {(period > 0 ? period : "none")}; windows {string.Join(", ", windows)}.");
        var search = new CandidateSearch(input, table, o, SearchSettings, log, clock, windows, period);
        var (chosen, bestEpoch, selection, plans) = search.Run();
        var options = FinalOptions(table, search.ManySeries, chosen, bestEpoch, plans);
        log?.Info(MessageSensitivity.None, $"ForecastByLstm: final fit of {selection.LossEnsemble?.Name ?? chosen.Name} on all rows ({(options.MemberPlans is not { } mp ? $"{options.Epochs} epochs" : string.Join(", ", mp.Select(p => $"{p.Loss} {p.Epochs} epochs")))}" +
            $"{(options.ValidationFraction > 0 ? $" at most, stopped early on the last {options.ValidationFraction:P0} of the windows" : "")}, {options.EnsembleSize} networks).");
        var model = SearchChain.Prefix(o, chosen).Append(new LstmForecastingTrainer(options)).Fit(input);
        var lengths = SeriesLengthSummary.Of(table.Series.Select(s => (long)s.Length).ToArray(), chosen.WindowSize, o.Horizon);
        log?.Info(MessageSensitivity.None, $"ForecastByLstm: {lengths}.");
        model.LastTransformer.Settings = model.LastTransformer.Settings with { CandidateSelection = selection, SeriesLengths = lengths };
        o.Progress?.Report(new ForecastByLstmProgress(search.MaxCandidates + 1, search.MaxCandidates + 1, "final fit", null, clock.Elapsed));
        return model;
    }

    /// <summary>
    /// The final fit's trainer options: the chosen candidate's, as an ensemble of <c>FinalEnsembleSize</c> (at least one
    /// member per loss of <paramref name="plans"/>). Many series: each member trains for its loss's best hold-out epoch
    /// count on every window. One series: the hold-out's few windows make a best epoch count noisy, so the final fit
    /// stops early on its own last windows instead (the explicit chain's recipe), each member of a loss ensemble alike.
    /// </summary>
    private LstmForecastingTrainer.Options FinalOptions(SearchSeriesTable table, bool manySeries, SearchCandidate chosen, int bestEpoch, IReadOnlyList<LstmMemberPlan>? plans)
    {
        var s = SearchSettings;
        var options = SearchChain.Trainer(Options, s, chosen, manySeries, table.Series.Sum(x => (long)Math.Max(0, x.Length - chosen.WindowSize - Options.Horizon + 1)));
        options.EnsembleSize = Math.Max(s.FinalEnsembleSize, plans?.Count ?? 1);
        if (manySeries)
        {
            options.Epochs = Math.Max(1, bestEpoch);
            options.MemberPlans = plans;
            return options;
        }
        options.Epochs = s.OneSeriesFinalEpochs;
        options.ValidationFraction = s.OneSeriesValidationFraction;
        options.EarlyStoppingPatience = s.OneSeriesFinalPatience;
        options.MemberPlans = plans?.Select(p => p with { Epochs = options.Epochs }).ToArray();
        return options;
    }

    /// <summary>
    /// The window lengths tried: the options' <see cref="ForecastByLstmOptions.WindowSize"/> when set, else 2b and 3b
    /// with b the seasonal period when one is found, else max(h, 4).
    /// </summary>
    private int[] WindowCandidates(int period)
    {
        if (Options.WindowSize > 0)
            return new[] { Options.WindowSize };
        int b = period > 0 ? period : Math.Max(Options.Horizon, 4);
        return new[] { 2 * b, 3 * b };
    }
}
