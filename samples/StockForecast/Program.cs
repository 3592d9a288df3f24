// Forecasting the DAX on the bundled EuStockMarkets data, an 85/15 split in time order. By default the recommended
// configuration (the chain mlContext.Forecasting.ForecastByLstm builds, docs/accuracy.md); with --tutorial the Keras
// stock-forecasting tutorial's: windows of 49 days of four index columns, per-window normalisation (p / p0 - 1), three
// LSTM layers of 100 with dropout 0.2, 2 epochs, batch 32. Either is printed next to persistence and seasonal naive,
// with a 90% split-conformal band (LowerBound / UpperBound) drawn in a fan chart, and a walk-forward backtest. Torch
// runs on one thread with the seed, so every figure printed (timings aside) is the same on any machine.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Lstm;
using StockForecast;

SampleOptions options;
try
{
    options = SampleOptions.Parse(args);
}
catch (SampleUsageException e)
{
    if (e.Detail is not null)
        Console.Error.WriteLine(e.Detail);
    Console.Error.WriteLine(SampleOptions.Usage);
    return 2;
}

var clock = Stopwatch.StartNew();
var ml = new MLContext(seed: options.Seed);

// 1. Load the series (one row per trading day, in time order) and split it in time order. Bad data (a missing or
// duplicated column, a cell that is not a number, too few rows) gives one line on stderr and exit code 2.
IDataView series;
int rows;
try
{
    series = SeriesCsv.Load(ml, options.DataPath, options.Columns);
    rows = (int)series.GetRowCount()!.Value;
    SeriesCsv.CheckLength(options.DataPath, rows, options.Window, options.Horizon, options.TrainFraction);
}
catch (SampleDataException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
Directory.CreateDirectory(options.OutputDirectory);
int trainRows = (int)(rows * options.TrainFraction);
var train = ml.Data.TakeRows(series, trainRows);
// The test series starts one window early so that its first window's label is the first day after training.
var test = ml.Data.SkipRows(series, trainRows - options.Window);
Console.WriteLine($"Data: {options.DataPath}: {rows} rows; training on the first {trainRows}, testing on the last {rows - trainRows}.");

// 2. The pipeline: windows → per-window normalisation → LSTM (Configurations.cs: recommended or --tutorial).
var (pipeline, description) = Configurations.Build(ml, options);
Console.WriteLine($"Training: {description}");
var model = (TransformerChain<LstmForecastingTransformer>)pipeline.Fit(train);
var lstm = model.LastTransformer;
Console.WriteLine();
Console.WriteLine(lstm.Summary);
Console.WriteLine($"Trained on {lstm.Settings.Device}; best epoch {lstm.BestEpoch}.");

// 3. Evaluate on the test period, next to the persistence baseline ("tomorrow = today").
var scored = model.Transform(test);
var metrics = ml.Forecasting.Evaluate(scored, new ForecastingEvaluator.Options { IntervalLevel = lstm.IntervalLevel });
Console.WriteLine();
Console.WriteLine($"Test metrics ({options.Target}, price units):");
Console.WriteLine(metrics);
if (lstm.IntervalLevel is double bandLevel)
{
    Console.WriteLine($"Coverage of the conformal band on the test period: {metrics.Coverage:P1} (nominal {bandLevel:P0}).");
    CoverageNote.PrintIfLow(metrics.Coverage, bandLevel, rows - trainRows, options.Tutorial);
}
double? level = lstm.IntervalLevel;
bool hasBand = level is not null;
var testBands = hasBand ? TestBands.Read(scored) : null; // read now: the prediction engine below releases the model's scoring session
Console.WriteLine();
Baselines.Print(scored, series.GetColumn<float>(options.Target).ToArray(), trainRows, options.Season,
    options.Tutorial ? "LSTM (tutorial)" : "LSTM (recommended)");

// 4. Plots: point by point, multiple sequences, and the loss per epoch.
var forecaster = ml.Forecasting.CreateSeriesForecaster(model);
var pointByPoint = forecaster.PredictPointByPoint(test);
var sequences = forecaster.PredictMultipleSequences(test, predictionLength: options.Window, CovariatePolicy.HoldLastValue);
var plots = new[]
{
    Plots.PointByPoint(pointByPoint, options.Target, options.Window, Path.Combine(options.OutputDirectory, "point_by_point.png")),
    Plots.MultipleSequences(sequences, options.Target, options.Window, Path.Combine(options.OutputDirectory, "multiple_sequences.png")),
    Plots.Losses(lstm.History, Path.Combine(options.OutputDirectory, "loss.png")),
};
Console.WriteLine();
Console.WriteLine($"Plots: {string.Join(", ", plots)}");

// 5. Save the model zip (written to a temporary name, then renamed), reload it and forecast the next day.
string modelPath = Path.Combine(options.OutputDirectory, "model.zip");
string tempPath = modelPath + $".{Guid.NewGuid():N}.tmp";
ml.Model.Save(model, series.Schema, tempPath);
File.Move(tempPath, modelPath, overwrite: true);
Console.WriteLine($"Model: {modelPath} ({new FileInfo(modelPath).Length / 1024.0:F0} KiB)");

var lastWindow = SeriesCsv.LastWindow(ml, series, options.InputColumns, options.Window);
var before = NextDay.Predict(ml, model, lastWindow, options.Window, options.InputColumns.Length, hasBand);
// LoadModel checks the zip and rebuilds our own transformers (batched scoring); stock Model.Load reads it too.
var reloaded = new MLContext().Forecasting.LoadModel(modelPath);
var after = NextDay.Predict(new MLContext(), reloaded, lastWindow, options.Window, options.InputColumns.Length, hasBand);
(reloaded as IDisposable)?.Dispose();
bool identical = before.SameAs(after);
Console.WriteLine();
Console.WriteLine($"Next-day forecast of {options.Target}" + (level is double l ? $" with its {l:P0} band" : "") +
    $" (after the last row, from the reloaded model's PredictionEngine): {after}  [before saving: {before}; identical: {identical}]");
if (testBands is not null && level is double fanLevel)
    Console.WriteLine($"Plot: {Plots.Fan(series, testBands, options.Target, after, fanLevel, Path.Combine(options.OutputDirectory, "fan_chart.png"))}");

// 6. Walk-forward backtest of the test period: one fold every few days, each forecast from the rows before it only.
// With RetrainEvery = 0 the backtest fits the pipeline once on rows [0, Start) = the training rows, which is the fit
// made in step 2 (same rows, same seed); the sample hands over that model, reloaded from its zip, instead of training
// it again (the backtest disposes the models it fits).
int stride = Math.Max(1, (rows - trainRows) / 40);
var backtest = ml.Forecasting.Backtest(new AlreadyFitted(() => new MLContext().Forecasting.LoadModel(modelPath)), series, new BacktestOptions
{
    Start = trainRows, Horizon = options.Horizon, Stride = stride, RetrainEvery = 0, IntervalLevel = level,
});
Console.WriteLine();
Console.WriteLine($"Backtest: {backtest.Folds.Count} folds from row {trainRows}, every {stride} rows: MAE {backtest.Metrics.MeanAbsoluteError:F2} " +
    $"(persistence {backtest.Metrics.Persistence!.MeanAbsoluteError:F2})" +
    (level is double nominal ? $", coverage {backtest.Metrics.Coverage:P1} (nominal {nominal:P0})." : ", no interval."));
if (level is double backtestLevel)
    CoverageNote.PrintIfLow(backtest.Metrics.Coverage, backtestLevel, backtest.Folds.Count * options.Horizon, options.Tutorial);
Console.WriteLine($"Plot: {Plots.Backtest(backtest, options.Target, Path.Combine(options.OutputDirectory, "backtest.png"))}");
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F1} s.");
return identical ? 0 : 1;
