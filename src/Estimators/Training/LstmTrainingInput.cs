using Microsoft.ML;

namespace MLNet.Lstm.Training;

/// <summary>
/// Stage 1 of a fit: the training windows read once into buffers, the validation windows (a separate
/// <c>ValidationSet</c>, or the last <c>ValidationFraction</c> of the training windows in time order) and the counts.
/// </summary>
internal sealed class LstmTrainingInput
{
    private LstmTrainingInput(LstmColumns columns, LstmDataset data, LstmDataset? validationData, int splitValidationCount, int calibrationCount)
    {
        CalibrationCount = calibrationCount;
        Columns = columns;
        Data = data;
        ValidationData = validationData;
        SplitValidationCount = splitValidationCount;
    }

    /// <summary>The resolved window, label and normalisation columns.</summary>
    public LstmColumns Columns { get; }

    /// <summary>The labelled training windows (the validation split included, at the end).</summary>
    public LstmDataset Data { get; }

    /// <summary>The separate validation set's windows, or null.</summary>
    public LstmDataset? ValidationData { get; }

    /// <summary>The number of windows at the end of <see cref="Data"/> held out for validation (0 with a separate set).</summary>
    public int SplitValidationCount { get; }

    /// <summary>
    /// The number of windows held out to calibrate <c>ConformalLevel</c>: the last <c>CalibrationFraction</c> of
    /// the windows left after the validation split, just before the split (layout of <see cref="Data"/>:
    /// training | calibration | validation split).
    /// </summary>
    public int CalibrationCount { get; }

    /// <summary>The number of windows trained on.</summary>
    public int TrainCount => Data.Count - SplitValidationCount - CalibrationCount;

    /// <summary>The number of validation windows, from either source.</summary>
    public int ValidationCount => ValidationData?.Count ?? SplitValidationCount;

    /// <summary>
    /// Where the validation windows' rows are: the separate set from its first row, or <see cref="Data"/> from the
    /// start of its validation split; <see cref="ValidationCount"/> rows.
    /// </summary>
    public (LstmDataset Rows, int Start) ValidationRows => ValidationData is { } v ? (v, 0) : (Data, Data.Count - SplitValidationCount);

    /// <summary>Reads the training data and the validation data of the options of <paramref name="fit"/>.</summary>
    public static LstmTrainingInput Read(LstmFit fit, IDataView input, LstmColumns cols)
    {
        var o = fit.Options;
        var data = LstmDataset.Read(input, cols, "training");
        fit.Clock.Lap("read training data");
        var validationData = o.ValidationSet is null ? null : ReadValidationSet(o.ValidationSet, cols, o);
        fit.Clock.Lap("read validation data");
        int split = validationData is null ? (int)Math.Round(data.Count * (double)o.ValidationFraction) : 0;
        if (data.Count - split <= 0)
            throw new ArgumentOutOfRangeException(nameof(o.ValidationFraction),
                $"ValidationFraction {o.ValidationFraction} leaves no training windows out of {data.Count}.");
        int calibration = o.ConformalLevel is float level ? IntervalOptions.CalibrationCount(level, o.CalibrationFraction, data.Count - split) : 0;
        return new LstmTrainingInput(cols, data, validationData, split, calibration);
    }

    /// <summary>Reads a separate validation set, which must have the training data's window shape and normalisation.</summary>
    private static LstmDataset ReadValidationSet(IDataView validationSet, LstmColumns cols, LstmForecastingTrainer.Options o)
    {
        var vcols = LstmColumns.Resolve(validationSet.Schema, o.FeatureColumnName, o.LabelColumnName, o.WindowSize, o.FutureColumnName);
        if (vcols.FutureSize != cols.FutureSize)
            throw new ArgumentOutOfRangeException(nameof(o.ValidationSet),
                $"The validation set has {vcols.FutureSize} future covariate values per window ({vcols.FutureColumnName ?? "no future column"}), the training data {cols.FutureSize} ({cols.FutureColumnName ?? "no future column"}). Make ValidationSet with the same SlidingWindow as the training data.");
        if (vcols.WindowSize != cols.WindowSize || vcols.FeatureCount != cols.FeatureCount || vcols.Horizon != cols.Horizon)
            throw new ArgumentOutOfRangeException(nameof(o.ValidationSet),
                $"The validation set's windows [{vcols.WindowSize}, {vcols.FeatureCount}] / horizon {vcols.Horizon} differ from the training data's [{cols.WindowSize}, {cols.FeatureCount}] / {cols.Horizon}.");
        if (vcols.NormalizationMode != cols.NormalizationMode || vcols.TargetIndex != cols.TargetIndex)
            throw new ArgumentOutOfRangeException(nameof(o.ValidationSet),
                $"The validation set's window column '{o.FeatureColumnName}' is normalised with {vcols.NormalizationMode ?? "nothing"} (target index {vcols.TargetIndex}), " +
                $"the training data's with {cols.NormalizationMode ?? "nothing"} (target index {cols.TargetIndex}). Make ValidationSet with the same SlidingWindow and NormalizeWindows as the training data.");
        return LstmDataset.Read(validationSet, vcols, "validation");
    }
}
