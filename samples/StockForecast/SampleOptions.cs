using System.Globalization;

namespace StockForecast;

/// <summary>Command-line options of the sample. Every option has a default, so the sample runs with none.</summary>
internal sealed class SampleOptions
{
    public string DataPath { get; private set; } = Path.Combine(AppContext.BaseDirectory, "data", "eustockmarkets.csv");
    public string[] Columns { get; private set; } = { "DAX", "SMI", "CAC", "FTSE" };
    public string Target { get; private set; } = "DAX";
    public int Window { get; private set; } = 49;
    public int Horizon { get; private set; } = 1;
    public int Epochs { get; private set; } = 2;
    public int BatchSize { get; private set; } = 32;
    public int[] Hidden { get; private set; } = { 100, 100, 100 };
    public string Device { get; private set; } = "auto";
    public string OutputDirectory { get; private set; } = Path.Combine("out", "stock-forecast");
    public int Seed { get; private set; } = 1;
    public double TrainFraction { get; private set; } = 0.85;

    public const string Usage = """
        Usage: dotnet run --project samples/StockForecast -c Release -- [options]
          --data PATH        CSV file with a header row, one row per day in time order (default: bundled eustockmarkets.csv)
          --columns A,B,...  input columns of each window (default: DAX,SMI,CAC,FTSE)
          --target NAME      column to forecast; one of --columns (default: DAX)
          --window T         steps per window (default: 49)
          --horizon H        steps ahead to forecast (default: 1)
          --epochs N         training epochs (default: 2)
          --batch-size N     mini-batch size (default: 32)
          --hidden A,B,...   LSTM layer widths (default: 100,100,100)
          --device D         auto | cpu | cuda | cuda:N (default: auto)
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
            if (i + 1 >= args.Length)
                throw new SampleUsageException($"Option {name} needs a value.");
            string value = args[++i];
            switch (name)
            {
                case "--data": o.DataPath = value; break;
                case "--columns": o.Columns = SplitList(value); break;
                case "--target": o.Target = value; break;
                case "--window": o.Window = PositiveInt(name, value); break;
                case "--horizon": o.Horizon = PositiveInt(name, value); break;
                case "--epochs": o.Epochs = PositiveInt(name, value); break;
                case "--batch-size": o.BatchSize = PositiveInt(name, value); break;
                case "--hidden": o.Hidden = SplitList(value).Select(v => PositiveInt(name, v)).ToArray(); break;
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
