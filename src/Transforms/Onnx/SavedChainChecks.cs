namespace MLNet.Lstm.Onnx;

/// <summary>
/// Cross-checks the rebuilt steps of a loaded chain against each other, so that metadata that contradicts the step
/// it feeds is refused instead of forecasting silently. A step is checked against the latest earlier step that
/// produces the window column it reads.
/// </summary>
/// <remarks>
/// Checked: window size, feature count and target index between every pair; feature names in order and the series
/// key column (<c>NormalizeWindows</c> after <c>SlidingWindow</c>); normalisation mode and shift/scale columns (the LSTM
/// after <c>NormalizeWindows</c>); horizon (the LSTM after <c>SlidingWindow</c>). A failure is an
/// <see cref="InvalidDataException"/> naming the two graphs and what differs.
/// </remarks>
internal static class SavedChainChecks
{
    public static void Check(IReadOnlyList<SavedModelLoader.Step> steps, string description)
    {
        for (int i = 0; i < steps.Count; i++)
        {
            var earlier = steps.Take(i).Reverse().ToArray();
            switch (steps[i].Transformer)
            {
                case NormalizeWindowsTransformer n:
                    if (earlier.FirstOrDefault(s => Produces(s, n.InputColumnName)) is { Transformer: SlidingWindowTransformer w } sw)
                        CheckNormalize(n, steps[i].Graph, w, sw.Graph);
                    break;
                case LstmForecastingTransformer l:
                    var source = earlier.FirstOrDefault(s => Produces(s, l.Layout.FeatureColumnName));
                    CheckLstm(l, steps[i].Graph, source);
                    string windowColumn = source?.Transformer is NormalizeWindowsTransformer normalize ? normalize.InputColumnName : l.Layout.FeatureColumnName;
                    var window = earlier.FirstOrDefault(s => s.Transformer is SlidingWindowTransformer sliding && sliding.OutputColumnName == windowColumn);
                    if (window is { Transformer: SlidingWindowTransformer slidingWindow })
                        CheckLstmWindow(l, steps[i].Graph, slidingWindow, window.Graph);
                    break;
            }
        }
    }

    private static bool Produces(SavedModelLoader.Step step, string column) => step.Transformer switch
    {
        SlidingWindowTransformer w => w.OutputColumnName == column,
        NormalizeWindowsTransformer n => n.OutputColumnName == column,
        _ => false,
    };

    private static void CheckNormalize(NormalizeWindowsTransformer n, SavedGraph graph, SlidingWindowTransformer w, SavedGraph windowGraph)
    {
        Same(graph, windowGraph, "window size", n.WindowSize, w.WindowSize);
        Same(graph, windowGraph, "feature columns", string.Join(", ", n.FeatureNames), string.Join(", ", w.InputColumnNames));
        Same(graph, windowGraph, "target index", n.TargetIndex, w.TargetIndex);
        if (n.SeriesColumnName is not null)
            Same(graph, windowGraph, "series key column", n.SeriesColumnName, w.SeriesColumnName ?? "(none)");
    }

    private static void CheckLstm(LstmForecastingTransformer l, SavedGraph graph, SavedModelLoader.Step? source)
    {
        if (source?.Transformer is NormalizeWindowsTransformer n)
        {
            Same(graph, source.Graph, "window size", l.Summary.WindowSize, n.WindowSize);
            Same(graph, source.Graph, "feature count", l.Summary.FeatureCount, n.FeatureCount);
            Same(graph, source.Graph, "target index", l.Layout.TargetIndex, n.TargetIndex);
            string trained = l.Layout.NormalizationMode ?? "None";
            if (trained != n.Mode.ToString())
            {
                // Not damage: a chain composed of an LSTM fitted behind another NormalizeWindows step.
                throw new InvalidDataException(
                    $"The {graph.Metadata.Format} graph in {graph.Where} was trained on windows with normalisation {trained}, but the NormalizeWindows step that feeds it " +
                    $"({source.Graph.Where}) has normalisation {n.Mode}: the chain was composed of steps fitted separately (or its metadata was edited) and would forecast wrong values. " +
                    $"Fit the forecaster behind the NormalizeWindows step it is saved with (or save it with the one it was fitted with), and save the chain again.");
            }
            if (n.Mode == WindowNormalization.None && l.Layout.ShiftColumnName is null)
                return; // trained on raw windows: the step's shift 0 and scale 1 columns are not read
            Same(graph, source.Graph, "shift column", l.Layout.ShiftColumnName ?? "(none)", n.ShiftColumnName);
            Same(graph, source.Graph, "scale column", l.Layout.ScaleColumnName ?? "(none)", n.ScaleColumnName);
        }
        else if (l.Layout.IsNormalized && source is not null)
        {
            throw graph.Metadata.Error(
                $"reads normalised windows (shift column '{l.Layout.ShiftColumnName}'), but its window column '{l.Layout.FeatureColumnName}' " +
                $"comes straight from the SlidingWindow step in {source.Graph.Where}, with no NormalizeWindows step between them");
        }
    }

    private static void CheckLstmWindow(LstmForecastingTransformer l, SavedGraph graph, SlidingWindowTransformer w, SavedGraph windowGraph)
    {
        Same(graph, windowGraph, "window size", l.Summary.WindowSize, w.WindowSize);
        Same(graph, windowGraph, "feature count", l.Summary.FeatureCount, w.FeatureCount);
        Same(graph, windowGraph, "target index", l.Layout.TargetIndex, w.TargetIndex);
        Same(graph, windowGraph, "horizon", l.Summary.Horizon, w.Horizon);
    }

    private static void Same<T>(SavedGraph graph, SavedGraph other, string what, T value, T otherValue)
    {
        if (!EqualityComparer<T>.Default.Equals(value, otherValue))
        {
            throw graph.Metadata.Error(
                $"has {what} {value}, but the {other.Metadata.Format} step that feeds it ({other.Where}) has {what} {otherValue}; " +
                "the two steps do not belong together");
        }
    }
}
