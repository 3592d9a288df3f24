using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace MLNet.Lstm.Internal;

/// <summary>Argument validation shared by the project's components. Messages name the argument and the fix.</summary>
internal static class Guard
{
    public static T NotNull<T>([NotNull] T? value, [CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
    {
        if (value is null)
            throw new ArgumentNullException(name);
        return value;
    }

    public static string NotNullOrEmpty([NotNull] string? value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value is null)
            throw new ArgumentNullException(name);
        if (value.Length == 0)
            throw new ArgumentException($"'{name}' must not be empty.", name);
        return value;
    }

    public static int AtLeast(int value, int minimum, string? hint = null, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < minimum)
            throw new ArgumentOutOfRangeException(name, value,
                $"'{name}' is {value} but must be at least {minimum}." + (hint is null ? "" : " " + hint));
        return value;
    }

    public static T[] NotEmpty<T>([NotNull] T[]? values, [CallerArgumentExpression(nameof(values))] string? name = null)
    {
        if (values is null)
            throw new ArgumentNullException(name);
        if (values.Length == 0)
            throw new ArgumentException($"'{name}' must contain at least one element.", name);
        return values;
    }

    public static void Check([DoesNotReturnIf(false)] bool condition, string message, string? name = null)
    {
        if (!condition)
            throw new ArgumentException(message, name);
    }
}
