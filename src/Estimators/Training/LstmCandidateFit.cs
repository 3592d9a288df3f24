namespace MLNet.Lstm.Training;

/// <summary>One candidate network of a fit: its architecture and its members' fits (one per ensemble member).</summary>
internal sealed record LstmCandidateFit(LstmNetworkShape Shape, IReadOnlyList<LstmMemberFit> Members)
{
    /// <summary>
    /// The validation loss of the weights the members keep (their best epoch's with <c>RestoreBestWeights</c>, else
    /// their last), averaged over the members; NaN without validation. In the network's (normalised) label units.
    /// </summary>
    public double ValidationLoss => Members.Average(m => m.History.LastOrDefault(e => e.Epoch == m.BestEpoch)?.ValidationLoss ?? double.NaN);

    /// <summary>
    /// The mean squared error, in the label's own units, of the candidate's point prediction on the validation
    /// windows: the members' outputs (scored with the weights they keep) averaged as the model's graph averages them,
    /// the median output with a quantile head (the one that becomes <c>Score</c>), prediction and label de-normalised
    /// with each window's target shift and scale (<see cref="WindowNormalizer.Denormalize"/>; raw windows: as they
    /// are), the squared errors averaged over the windows and the horizon steps.
    /// </summary>
    public double ValidationMse(LstmTrainingInput data) => ValidationErrors(data).Average();

    /// <summary>
    /// Each validation window's squared error in label units (see <see cref="ValidationMse"/>), averaged over its
    /// horizon steps: one value per window, in window order, so two candidates can be compared window by window.
    /// </summary>
    public double[] ValidationErrors(LstmTrainingInput data)
    {
        var (rows, start) = data.ValidationRows;
        int n = data.ValidationCount, h = data.Columns.Horizon;
        var interval = Members[0].Weights.Interval;
        int q = interval.QuantileCount, median = interval.MedianIndex;
        var outputs = Members.Select(m => m.ValidationOutputs
            ?? throw new InvalidOperationException("A candidate member has no validation outputs to compare.")).ToArray();
        var errors = new double[n];
        for (int i = 0; i < n; i++)
        {
            int row = start + i;
            float shift = rows.TargetShift?[row] ?? 0f, scale = rows.TargetScale?[row] ?? 1f;
            double sum = 0;
            for (int s = 0; s < h; s++)
            {
                float p = 0;
                foreach (var o in outputs)
                    p += o[(i * h + s) * q + median];
                p /= outputs.Length;
                double error = (double)WindowNormalizer.Denormalize(p, shift, scale) - WindowNormalizer.Denormalize(rows.Y[row * h + s], shift, scale);
                sum += error * error;
            }
            errors[i] = sum / h;
        }
        return errors;
    }
}
