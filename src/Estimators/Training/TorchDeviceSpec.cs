using System.Globalization;

namespace MLNet.Lstm;

/// <summary>A parsed device string.</summary>
internal readonly record struct TorchDeviceSpec(TorchDeviceKind Kind, int Index)
{
    public static TorchDeviceSpec Parse(string? device)
    {
        string text = (device ?? "").Trim().ToLowerInvariant();
        switch (text)
        {
            case "auto": return new(TorchDeviceKind.Auto, 0);
            case "cpu": return new(TorchDeviceKind.Cpu, 0);
            case "cuda": return new(TorchDeviceKind.Cuda, 0);
        }
        if (text.StartsWith("cuda:", StringComparison.Ordinal)
            && text.Length > 5 && text.Skip(5).All(char.IsAsciiDigit)
            && int.TryParse(text.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return new(TorchDeviceKind.Cuda, index);
        }
        throw new ArgumentException(
            $"Invalid device \"{device}\". Accepted forms: {TorchDeviceOptions.AcceptedDeviceForms}.", nameof(TorchDeviceOptions.Device));
    }
}
