using System.Globalization;

namespace StockForecast;

/// <summary>Command-line options of the sample. Every option has a default, so the sample runs with none.</summary>
internal sealed class SampleOptions
{
    /// <summary>True with <c>--tutorial</c>: the Keras tutorial's exact configuration instead of the recommended one.</summary>
    public bool Tutorial { get; private set; }
    public string DataPath { get; private set; } = Path.Combine(AppContext.BaseDirectory, "data", "eustockmarkets.csv");
    private string[]? _columns;
    /// <summary>The columns read from the CSV (<c>--columns</c>; default the four indices).</summary>
    public string[] Columns => _columns ?? new[] { "DAX", "SMI", "CAC", "FTSE" };
    /// <summary>The window's columns: <see cref="Columns"/> with <c>--tutorial</c> or <c>--columns</c>, else the target alone (recommended).</summary>
    public string[] InputColumns => Tutorial || _columns is not null ? Columns : new[] { Target };
    public string Target { get; private set; } = "DAX";
    private int? _window;
    /// <summary>Steps per window: 12 (recommended), 49 (tutorial), or <c>--window</c>.</summary>
    public int Window => _window ?? (Tutorial ? 49 : 12);
    public int Horizon { get; private set; } = 1;
    /// <summary><c>--epochs</c>; null: the configuration's own (2 for the tutorial, the recommended maximum otherwise).</summary>
    public int? EpochsOverride { get; private set; }
    public int Epochs => EpochsOverride ?? 2;
    /// <summary><c>--batch-size</c>; null: the configuration's own (32 for both).</summary>
    public int? BatchSizeOverride { get; private set; }
    public int BatchSize => BatchSizeOverride ?? 32;
    /// <summary><c>--hidden</c>; null: the configuration's own (100,100,100 for the tutorial).</summary>
    public int[]? HiddenOverride { get; private set; }
    public int[] Hidden => HiddenOverride ?? new[] { 100, 100, 100 };
    /// <summary>The seasonal naive baseline's period (<c>--season</c>; default 5 trading days, a week).</summary>
    public int Season { get; private set; } = 5;
    /// <summary><c>--device</c>; default cpu: one seeded CPU thread gives the same figures on every machine (and these models are small).</summary>
    public string Device { get; private set; } = "cpu";
    public string OutputDirectory { get; private set; } = Path.Combine("out", "stock-forecast");
    public int Seed { get; private set; } = 1;
    public double TrainFraction { get; private set; } = 0.85;

    public const string Usage = """
        Usage: dotnet run --project samples/StockForecast -c Release -- [options]
          --tutorial         the Keras tutorial's exact configuration (4 indices, window 49, RelativeToFirst,
                             LSTM 100,100,100, dropout 0.2, 2 epochs) instead of the recommended ForecastByLstm
          --data PATH        CSV file with a header row, one row per day in time order (default: bundled eustockmarkets.csv)
          --columns A,B,...  input columns of each window (default: DAX,SMI,CAC,FTSE are read; the recommended
                             model windows the target alone unless --columns is given, --tutorial all four)
          --target NAME      column to forecast; one of --columns (default: DAX)
          --window T         steps per window (default: 12; 49 with --tutorial)
          --horizon H        steps ahead to forecast (default: 1)
          --epochs N         maximum training epochs (default: the recommended 200 with early stopping; 2 with --tutorial)
          --batch-size N     mini-batch size (default: 32)
          --hidden A,B,...   LSTM layer widths (default: the recommended 32; 100,100,100 with --tutorial)
          --season M         period of the seasonal naive baseline (default: 5 trading days)
          --device D         cpu | auto | cuda | cuda:N (default: cpu, whose figures are the same on any machine)
          --out DIR          output folder for plots and the model (default: out/stock-forecast)
          --seed N           random seed (default: 1)
        """;

    public static SampleOptions Parse(string[] args)
    {
        var o = new SampleOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "-h" or "--help")
                throw new SampleUsageException(null);
            if (name == "--tutorial")
            {
                o.Tutorial = true;
                continue;
            }
            if (i + 1 >= args.Length)
                throw new SampleUsageException($"Option {name} needs a value.");
            string value = args[++i];
            switch (name)
            {
                case "--data": o.DataPath = value; break;
                case "--columns": o._columns = SplitList(value); break;
                case "--target": o.Target = value; break;
                case "--window": o._window = PositiveInt(name, value); break;
                case "--horizon": o.Horizon = PositiveInt(name, value); break;
                case "--epochs": o.EpochsOverride = PositiveInt(name, value); break;
                case "--batch-size": o.BatchSizeOverride = PositiveInt(name, value); break;
                case "--hidden": o.HiddenOverride = SplitList(value).Select(v => PositiveInt(name, v)).ToArray(); break;
                case "--season": o.Season = PositiveInt(name, value); break;
                case "--device": o.Device = value; break;
                case "--out": o.OutputDirectory = value; break;
                case "--seed": o.Seed = PositiveInt(name, value); break;
                default: throw new SampleUsageException($"Unknown option {name}.");
            }
        }
        if (!o.Columns.Contains(o.Target))
            throw new SampleUsageException($"--target {o.Target} is not one of --columns {string.Join(",", o.Columns)}; add it to --columns.");
        return o;
    }

    private static string[] SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n
            : throw new SampleUsageException($"{name} must be a whole number of at least 1, not '{value}'.");
}

/// <summary>Bad command-line options; <see cref="Detail"/> says what is wrong (null for --help).</summary>
internal sealed class SampleUsageException(string? detail) : Exception(detail ?? "usage")
{
    public string? Detail => detail;
}
