using System.Diagnostics;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Lstm.Training;

/// <summary>
/// Stage 3 of a fit: the epochs, from the first (or the checkpoint's next) to <c>Epochs</c> or early stopping. Each
/// epoch shuffles (seeded), trains the batches, evaluates the validation loss, then hands the result to its
/// collaborators: <see cref="DivergenceGuard"/>, <see cref="EarlyStopping"/>, <see cref="CheckpointWriter"/>, the
/// progress and log channels. Cancellation is checked before every batch; a cancelled fit throws
/// <see cref="OperationCanceledException"/> with the last complete epoch's checkpoint in place.
/// </summary>
internal sealed class LstmEpochLoop
{
    private readonly LstmFit _fit;
    private readonly LstmTrainingSetup _setup;
    private readonly LstmForecastingTrainer.Options _o;
    private readonly EarlyStopping _best;
    private readonly CheckpointWriter _checkpoints;
    private readonly DivergenceGuard _divergence;
    private readonly BatchCollector _collector;
    private readonly LearningRateScheduler _rates;

    public LstmEpochLoop(LstmFit fit, LstmTrainingSetup setup, EarlyStopping best, CheckpointWriter checkpoints)
    {
        _fit = fit;
        _setup = setup;
        _o = fit.Options;
        _best = best;
        _checkpoints = checkpoints;
        _divergence = new DivergenceGuard(_o.LearningRate);
        _collector = new BatchCollector(_o.Device.FinalizerCollectInterval);
        _rates = new LearningRateScheduler(_o.LearningRateSchedule, _o.LearningRate, _o.Epochs, _o.EarlyStoppingMinDelta);
    }

    /// <summary>Trains from <paramref name="startEpoch"/>; returns the epochs' results.</summary>
    public List<LstmEpochResult> Run(int startEpoch, int seed)
    {
        var history = new List<LstmEpochResult>();
        var shuffle = new Random(seed);
        var order = Enumerable.Range(0, (int)_setup.XTrain.shape[0]).Select(i => (long)i).ToArray();
        // A resumed run replays the shuffles of the epochs it skips, so that its data order continues where the
        // checkpointed run stopped.
        for (int skipped = 1; skipped < startEpoch && _o.Shuffle; skipped++)
            shuffle.Shuffle(order);
        var clock = _fit.Clock;
        for (int epoch = startEpoch; epoch <= _o.Epochs; epoch++)
        {
            _fit.Cancellation.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            clock.Restart();
            _setup.Network.train();
            _rates.Apply(_setup.Optimizer, epoch);
            if (_o.Shuffle)
                shuffle.Shuffle(order);
            double trainLoss = TrainEpoch(epoch, order);
            clock.Add("epochs: shuffle + batches");
            double? valLoss = _setup.XValidation is null ? null : Evaluate(_setup.XValidation, _setup.YValidation!, _setup.FValidation);
            _divergence.CheckEpoch(epoch, trainLoss, valLoss);
            clock.Add("epochs: validation");
            watch.Stop();
            history.Add(new LstmEpochResult(epoch, trainLoss, valLoss, watch.Elapsed));
            _rates.Observe(valLoss ?? trainLoss);
            bool stop = AfterEpoch(epoch, trainLoss, valLoss, watch.Elapsed);
            clock.Add("epochs: best weights, checkpoints, progress");
            if (stop)
            {
                _fit.Log?.Info(MessageSensitivity.None,
                    $"Early stopping after epoch {epoch}: no improvement for {_best.Wait} epoch(s); best epoch {_best.BestEpoch} ({_best.Best:G6}).");
                break;
            }
        }
        clock.ReportSums();
        return history;
    }

    /// <summary>One pass over the shuffled training windows; returns the mean training loss.</summary>
    private double TrainEpoch(int epoch, long[] order)
    {
        var (network, optimizer, dev) = (_setup.Network, _setup.Optimizer, _setup.Dev);
        int nTrain = order.Length, batch = 0;
        double sum = 0;
        // One index tensor per epoch over the shuffled order (shares the array; a batch narrows it) instead of a
        // pinned array and a tensor per batch.
        using var epochOrder = torch.from_array(order);
        using var epochIndex = _setup.DataDevice.type == DeviceType.CPU ? epochOrder.alias() : epochOrder.to(_setup.DataDevice);
        for (int start = 0; start < nTrain; start += _o.BatchSize, batch++)
        {
            _fit.BeforeBatch(epoch, batch);
            using var batchScope = torch.NewDisposeScope();
            int count = Math.Min(_o.BatchSize, nTrain - start);
            var idx = epochIndex.narrow(0, start, count);
            var xb = OnDevice(_setup.XTrain.index_select(0, idx), dev);
            var yb = OnDevice(_setup.YTrain.index_select(0, idx), dev);
            optimizer.zero_grad();
            var fb = _setup.FTrain is null ? null : OnDevice(_setup.FTrain.index_select(0, idx), dev);
            var loss = LstmLosses.Compute(network.Forward(xb, fb), yb, xb, _o, _setup.Shape);
            loss.backward();
            if (_o.GradientClipNorm is float clip)
                torch.nn.utils.clip_grad_norm_(network.parameters(), clip);
            optimizer.step();
            double value = loss.item<float>();
            _divergence.ObserveBatch(epoch, value, count);
            sum += value * count;
            _collector.AfterBatch();
        }
        return sum / nTrain;
    }

    /// <summary>Reports the epoch, updates the best epoch and writes checkpoints; returns whether to stop early.</summary>
    private bool AfterEpoch(int epoch, double trainLoss, double? valLoss, TimeSpan duration)
    {
        _o.Progress?.Report(new LstmEpochProgress(epoch, _o.Epochs, trainLoss, valLoss, duration));
        _fit.Host.ReportEpoch(epoch, trainLoss, valLoss);
        _fit.Log?.Info(MessageSensitivity.None,
            $"Epoch {epoch}/{_o.Epochs}: train loss {trainLoss:G6}" + (valLoss is double vl ? $", validation loss {vl:G6}" : "") +
            $", {duration.TotalSeconds:F2} s.");
        bool improved = _best.Observe(epoch, valLoss ?? trainLoss, () => _setup.Network.GetWeights(_setup.Shape.WindowSize));
        _checkpoints.AfterEpoch(_setup.Network, _setup.Optimizer, _checkpoints.InfoOf(epoch, _best, trainLoss, valLoss), improved);
        return _best.ShouldStop;
    }

    // The validation loss drives early stopping and RestoreBestWeights, so it must come from a correct forward:
    // LstmNetwork.ForwardForEvaluation (eval mode, autograd on), never a no_grad forward, whose oneDNN LSTM kernel
    // is wrong on some CPUs (see that method and docs/trainer.md, "Known platform issues").
    private double Evaluate(Tensor x, Tensor y, Tensor? future)
    {
        long n = x.shape[0];
        double sum = 0;
        int batch = Math.Max(_o.BatchSize, 256);
        for (long start = 0; start < n; start += batch)
        {
            using var scope = torch.NewDisposeScope();
            long count = Math.Min(batch, n - start);
            var window = OnDevice(x.narrow(0, start, count), _setup.Dev);
            var prediction = _setup.Network.ForwardForEvaluation(window, future is null ? null : OnDevice(future.narrow(0, start, count), _setup.Dev));
            var target = OnDevice(y.narrow(0, start, count), _setup.Dev);
            var loss = _o.EarlyStopOnSmape ? LabelSmape(prediction, target, start, count) : LstmLosses.Compute(prediction, target, window, _o, _setup.Shape);
            sum += loss.item<float>() * (double)count;
        }
        return sum / n;
    }

    /// <summary>
    /// The mean sMAPE (200·|y − f| / (|y| + |f|), 0 where both are 0) of validation windows
    /// [<paramref name="start"/>, +<paramref name="count"/>) in the target's units: prediction and label mapped back
    /// with each window's shift and scale (none: the windows are raw).
    /// </summary>
    private Tensor LabelSmape(Tensor prediction, Tensor label, long start, long count)
    {
        var (f, y) = (prediction.view(count, -1), label.view(count, -1));
        if (_setup.ShiftValidation is { } shift)
        {
            var s = OnDevice(shift.narrow(0, start, count), _setup.Dev).unsqueeze(1);
            var c = OnDevice(_setup.ScaleValidation!.narrow(0, start, count), _setup.Dev).unsqueeze(1);
            (f, y) = (f * c + s, y * c + s);
        }
        var denominator = f.abs() + y.abs();
        var ratio = torch.where(denominator > 0, 200 * (y - f).abs() / denominator.clamp_min(1e-30f), torch.zeros_like(denominator));
        return ratio.mean();
    }

    /// <summary>The tensor itself when it is already on <paramref name="device"/>, else a copy there.</summary>
    private static Tensor OnDevice(Tensor tensor, Device device) =>
        tensor.device_type == device.type && (device.type == DeviceType.CPU || tensor.device_index == device.index) ? tensor : tensor.to(device);
}
