using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.Lstm.Internal;
using MLNet.Lstm.Training;

namespace MLNet.Lstm.Search;

/// <summary>
/// The one call's search (docs/trainer.md, "The one call"): from a first candidate, one dimension at a time
/// (normalisation, loss, plain or seasonal, window length), each stage's candidates are trained on the series without
/// their hold-out tail and scored on it (<see cref="HoldOutPlan"/>), and <see cref="CandidateSelectionRule"/> keeps one,
/// which the next stage starts from. A candidate is not started once the time budget is spent.
/// </summary>
internal sealed class CandidateSearch
{
    private readonly IDataView _input;
    private readonly SearchSeriesTable _table;
    private readonly ForecastByLstmOptions _o;
    private readonly ForecastByLstmSearchSettings _settings;
    private readonly IChannel? _log;
    private readonly Stopwatch _clock;
    private readonly HoldOutPlan _plan;
    private readonly IDataView _training;
    private readonly List<Trial> _trials = new();

    /// <summary>One candidate considered: its errors per evaluated series (null when skipped), best epoch, or why it was skipped.</summary>
    private sealed record Trial(SearchCandidate Candidate, double[]? Errors, int BestEpoch, string? Skipped, IReadOnlyList<float[]>? Forecasts = null);

    public CandidateSearch(IDataView input, SearchSeriesTable table, ForecastByLstmOptions o, ForecastByLstmSearchSettings settings, IChannel? log, Stopwatch clock,
        IReadOnlyList<int> windowSizes, int period)
    {
        (_input, _table, _o, _settings, _log, _clock) = (input, table, o, settings, log, clock);
        WindowSizes = windowSizes;
        Period = period;
        _plan = HoldOutPlan.Create(table, o.Horizon, windowSizes, settings.MinValidationWindows, period);
        _training = new RowSubsetDataView(input, _plan.TrainingMask(table));
    }

    /// <summary>The candidate window lengths (shortest first).</summary>
    public IReadOnlyList<int> WindowSizes { get; }

    /// <summary>The seasonal candidate's period, 0 for none.</summary>
    public int Period { get; }

    /// <summary>Whether the data holds several series (the first candidate and the network size depend on it).</summary>
    public bool ManySeries => _table.Series.Count > 1;

    /// <summary>The most candidates the stages consider.</summary>
    public int MaxCandidates => 2 + (Losses.Length - 1) + (Period > 0 ? 1 : 0) + (WindowSizes.Count - 1);

    /// <summary>The losses of the loss stage, in order of preference after the first candidate's.</summary>
    public static readonly LstmLoss[] Losses = { LstmLoss.Mae, LstmLoss.Mse, LstmLoss.Mase };

    /// <summary>Runs the stages; returns the candidate kept, its best epoch and the report of every candidate.</summary>
    public (SearchCandidate Chosen, int BestEpoch, LstmCandidateSelection Selection, IReadOnlyList<LstmMemberPlan>? MemberPlans) Run()
    {
        var current = ManySeries
            ? new SearchCandidate(WindowNormalization.RelativeToLast, LstmLoss.Mae, 0, WindowSizes[0])
            : new SearchCandidate(WindowNormalization.ZScore, LstmLoss.Mse, 0, WindowSizes[0]);
        var other = current.Normalization == WindowNormalization.ZScore ? WindowNormalization.RelativeToLast : WindowNormalization.ZScore;
        current = Stage(current, new[] { current, current with { Normalization = other } });
        current = Stage(current, new[] { current }.Concat(Losses.Where(l => l != current.Loss).Select(l => current with { Loss = l })).ToArray());
        var (ensembleBase, ensemble) = (current, LossEnsemble(current));
        if (Period > 0)
            current = Stage(current, new[] { current with { SeasonalPeriod = Period }, current });
        if (WindowSizes.Count > 1)
            current = Stage(current, WindowSizes.Select(t => current with { WindowSize = t }).ToArray());
        var kept = _trials.FirstOrDefault(t => t.Candidate == current && t.Errors is not null)
            ?? throw new InvalidOperationException($"ForecastByLstm: no candidate could be trained: {string.Join(" ", _trials.Select(t => $"{t.Candidate.Name}: {t.Skipped}"))}");
        if (ensemble is not null && ensembleBase != current)
        {
            // The ensemble was scored at the loss stage's window and seasonality; the later stages changed them.
            _log?.Info(MessageSensitivity.None, $"ForecastByLstm: loss ensemble dropped: it was scored for {ensembleBase.Name}, but {current.Name} was kept.");
            ensemble = null;
        }
        return (current, kept.BestEpoch, Report(current, ensemble), ensemble?.Plans);
    }

    /// <summary>
    /// The loss ensemble kept after the loss stage, or null for none: <paramref name="chosen"/> and its partner of the
    /// other metric-matched loss (<see cref="EnsemblePartner"/>: MAE and MASE pair up, MSE has none), their forecasts
    /// averaged and scored on the hold-out windows; <see cref="CandidateSelectionRule"/> then keeps the
    /// ensemble (preferred: averages rarely lose) or the chosen candidate. Each member keeps its loss's best epoch.
    /// </summary>
    private (IReadOnlyList<LstmMemberPlan> Plans, double[] Errors)? LossEnsemble(SearchCandidate chosen)
    {
        var single = _trials.FirstOrDefault(t => t.Candidate == chosen && t.Forecasts is not null);
        var other = EnsemblePartner(chosen.Loss) is { } partner ? _trials.FirstOrDefault(t => t.Candidate == chosen with { Loss = partner } && t.Forecasts is not null) : null;
        if (single is null || other is null)
            return null;
        var members = new[] { single, other };
        var errors = _plan.SeriesSmape(_table, Average(members.Select(m => m.Forecasts!).ToArray()));
        var (kept, _) = CandidateSelectionRule.Choose(new[] { errors, single.Errors });
        _log?.Info(MessageSensitivity.None, $"ForecastByLstm: loss ensemble {string.Join("+", members.Select(m => m.Candidate.Loss))}: hold-out sMAPE {errors.Average():F3}; " +
            (kept == 0 ? "kept." : $"not kept ({chosen.Name} alone: {single.Errors!.Average():F3})."));
        if (kept != 0)
            return null;
        return (members.Select(m => new LstmMemberPlan(m.Candidate.Loss, Math.Max(1, m.BestEpoch))).ToArray(), errors);
    }

    /// <summary>
    /// The loss a loss ensemble pairs with <paramref name="loss"/>: MAE (on normalised windows, errors relative to the
    /// window's scale, like sMAPE) with MASE (errors over the in-sample seasonal-naive MAE, like MASE), the two metrics
    /// forecasters report; none for MSE, whose squares weigh a few large errors as neither metric does.
    /// </summary>
    public static LstmLoss? EnsemblePartner(LstmLoss loss) => loss switch
    {
        LstmLoss.Mae => LstmLoss.Mase,
        LstmLoss.Mase => LstmLoss.Mae,
        _ => null,
    };

    /// <summary>The step-wise average of the members' hold-out forecasts.</summary>
    private static List<float[]> Average(IReadOnlyList<float[]>[] members) =>
        Enumerable.Range(0, members[0].Count)
            .Select(r => Enumerable.Range(0, members[0][r].Length).Select(j => members.Average(m => m[r][j])).ToArray())
            .ToList();

    /// <summary>Trains the stage's untried candidates and keeps one by the rule (candidates in order of preference).</summary>
    private SearchCandidate Stage(SearchCandidate current, SearchCandidate[] candidates)
    {
        var trials = candidates.Select(Try).ToArray();
        if (trials.Count(t => t.Errors is not null) < 2)
            return trials.FirstOrDefault(t => t.Errors is not null)?.Candidate ?? current;
        var (chosen, _) = CandidateSelectionRule.Choose(trials.Select(t => t.Errors).ToArray());
        _log?.Info(MessageSensitivity.None, $"ForecastByLstm: keeping {trials[chosen].Candidate.Name} of {string.Join("; ", trials.Select(t => t.Candidate.Name))}.");
        return trials[chosen].Candidate;
    }

    /// <summary>The trial of <paramref name="c"/>: the one already made, or a new one (trained, or skipped by its constraints or the budget).</summary>
    private Trial Try(SearchCandidate c)
    {
        var done = _trials.FirstOrDefault(t => t.Candidate == c);
        if (done is not null)
            return done;
        _o.CancellationToken.ThrowIfCancellationRequested();
        var trial = SkipReason(c) is { } reason ? new Trial(c, null, 0, reason) : Evaluate(c);
        _trials.Add(trial);
        double? error = trial.Errors?.Average();
        _log?.Info(MessageSensitivity.None, trial.Skipped is null
            ? $"ForecastByLstm: candidate {c.Name}: hold-out sMAPE {error:F3} over {_plan.Evaluated.Count} series (best epoch {trial.BestEpoch}), {_clock.Elapsed.TotalSeconds:F0} s."
            : $"ForecastByLstm: candidate {c.Name} skipped: {trial.Skipped}");
        _o.Progress?.Report(new ForecastByLstmProgress(_trials.Count, MaxCandidates + 1, c.Name, error, _clock.Elapsed));
        return trial;
    }

    private string? SkipReason(SearchCandidate c)
    {
        if (_trials.Count > 0 && _o.TimeBudget is { } budget && _clock.Elapsed >= budget)
            return $"the time budget ({budget}) was spent.";
        if (_plan.TrainingWindows(_table, c.WindowSize) == 0)
            return $"no series has the {c.WindowSize + _o.Horizon + _plan.TailLength} rows a training window needs before the hold-out.";
        try
        {
            new LstmSeasonality(c.SeasonalPeriod, SeasonalNetworkInput.StandardizedDifferences).Validate(c.WindowSize, _o.Horizon);
            return null;
        }
        catch (ArgumentOutOfRangeException e)
        {
            return e.Message.Split(" (Parameter")[0];
        }
    }

    /// <summary>Trains <paramref name="c"/> on the training rows with early stopping on the hold-out windows, and scores them.</summary>
    private Trial Evaluate(SearchCandidate c)
    {
        var prefix = SearchChain.Prefix(_o, c).Fit(_training);
        var validation = prefix.Transform(new RowSubsetDataView(_input, _plan.ValidationMask(_table, c.WindowSize)));
        var options = SearchChain.Trainer(_o, _settings, c, ManySeries, _plan.TrainingWindows(_table, c.WindowSize));
        options.ValidationSet = validation;
        options.EarlyStoppingPatience = _settings.Patience;
        options.EarlyStopOnSmape = ManySeries;
        using var lstm = new LstmForecastingTrainer(options).Fit(prefix.Transform(_training), _o.CancellationToken);
        var forecasts = ReadScores(lstm.Transform(validation), lstm.ScoreColumnName);
        return new Trial(c, _plan.SeriesSmape(_table, forecasts), lstm.BestEpoch, null, forecasts);
    }

    private static List<float[]> ReadScores(IDataView scored, string column)
    {
        var score = scored.Schema[column];
        using var cursor = scored.GetRowCursor(new[] { score });
        var getter = cursor.GetGetter<VBuffer<float>>(score);
        var rows = new List<float[]>();
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            rows.Add(buffer.DenseValues().ToArray());
        }
        return rows;
    }

    /// <summary>Every candidate considered, with its mean error and standard error to the lowest mean; the kept one's index.</summary>
    private LstmCandidateSelection Report(SearchCandidate chosen, (IReadOnlyList<LstmMemberPlan> Plans, double[] Errors)? lossEnsemble)
    {
        var (_, se) = CandidateSelectionRule.Choose(_trials.Select(t => t.Errors).ToArray());
        var candidates = _trials.Select((t, i) => new LstmCandidate(t.Candidate.Name, t.Errors?.Average() ?? double.NaN)
        {
            Normalization = t.Candidate.Normalization,
            Loss = t.Candidate.Loss,
            SeasonalPeriod = t.Candidate.SeasonalPeriod,
            WindowSize = t.Candidate.WindowSize,
            StandardErrorToBest = double.IsNaN(se[i]) ? 0 : se[i],
            Skipped = t.Skipped,
        }).ToArray();
        var ensemble = lossEnsemble is not { } e ? null
            : new LstmCandidate(chosen.Name.Replace($", {chosen.Loss},", $", {string.Join("+", e.Plans.Select(p => p.Loss))},", StringComparison.Ordinal), e.Errors.Average())
            {
                Normalization = chosen.Normalization,
                Loss = e.Plans[0].Loss,
                SeasonalPeriod = chosen.SeasonalPeriod,
                WindowSize = chosen.WindowSize,
            };
        return new LstmCandidateSelection("sMAPE", candidates, _trials.FindIndex(t => t.Candidate == chosen))
        {
            ValidationItems = _plan.Evaluated.Count,
            HeldOutRows = _plan.TailLength,
            LossEnsemble = ensemble,
        };
    }
}
