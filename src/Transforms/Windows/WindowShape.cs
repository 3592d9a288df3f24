using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Lstm;

/// <summary>
/// The one rule for the shape [T, F] of a window column: its dimensions <c>[T, F]</c>, else its annotations
/// (<see cref="WindowAnnotations.TryGetWindowInfo"/>), else an explicit window size T that divides its T·F values.
/// An explicit T must agree with the dimensions or annotations.
/// </summary>
internal static class WindowShape
{
    /// <summary>
    /// [T, F] of <paramref name="column"/> (a known-size <c>Vector&lt;Single&gt;</c>; the caller checks the type).
    /// Errors are <see cref="ArgumentOutOfRangeException"/>s naming <paramref name="component"/>, the column and the
    /// option <paramref name="optionName"/>.
    /// </summary>
    public static (int T, int F) Resolve(DataViewSchema.Column column, int? windowSize, string component, string optionName)
    {
        if (WindowAnnotations.TryGetWindowInfo(column, out var info))
        {
            if (windowSize is int w && w != info.WindowSize)
            {
                throw new ArgumentOutOfRangeException(optionName, w,
                    $"{component}: {optionName} is {w} but the window column '{column.Name}' has [T = {info.WindowSize}, F = {info.FeatureCount}] " +
                    $"(from its dimensions or annotations). Leave {optionName} unset or make it {info.WindowSize}.");
            }
            return (info.WindowSize, info.FeatureCount);
        }
        int size = column.Type is VectorDataViewType vector ? vector.Size : 0;
        if (windowSize is int t)
        {
            if (t <= 0 || size % t != 0)
            {
                throw new ArgumentOutOfRangeException(optionName, t,
                    $"{component}: {optionName} {t} does not divide the {size} values of window column '{column.Name}' into [T, F] (T·F = {size}); fix the vector size or {optionName}.");
            }
            return (t, size / t);
        }
        throw new ArgumentOutOfRangeException(optionName,
            $"{component}: cannot tell the window size T of column '{column.Name}' (a Vector<Single> of {size} values without dimensions [T, F] or a WindowSize annotation); " +
            $"set Options.{optionName} to the window length T (the column holds T·F values, time-major).");
    }
}
