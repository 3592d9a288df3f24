using System.Globalization;

namespace MLNet.Lstm.Interactive;

/// <summary>Numbers as a reader wants them in a table: about four significant digits, thousands separated, no exponent.</summary>
internal static class HtmlNumber
{
    /// <summary>Text shown for a missing value (NaN, or a metric that does not apply).</summary>
    public const string Missing = "–";

    /// <summary>
    /// <paramref name="value"/> rounded to about four significant digits (one to four decimals), with thousands
    /// separators: 237.7, 4.463, 0.8812, 12,345.6; a whole number without decimals (1,860); NaN and ±∞ as <see cref="Missing"/>.
    /// </summary>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
            return Missing;
        double magnitude = Math.Abs(value);
        if (value == Math.Round(value) && magnitude < 1e15)
            return value.ToString("N0", CultureInfo.InvariantCulture); // a count or a whole number: no decimals
        int decimals = magnitude == 0 ? 0 : Math.Clamp(3 - (int)Math.Floor(Math.Log10(magnitude)), 1, 4);
        return value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>A nullable value: <see cref="Missing"/> when null.</summary>
    public static string Format(double? value) => value is double v ? Format(v) : Missing;

    /// <summary>A share (0 to 1) as a percentage with one decimal, e.g. 88.1 %; <see cref="Missing"/> when null or NaN.</summary>
    public static string Percent(double? share) =>
        share is double s && double.IsFinite(s) ? (100 * s).ToString("F1", CultureInfo.InvariantCulture) + " %" : Missing;
}
