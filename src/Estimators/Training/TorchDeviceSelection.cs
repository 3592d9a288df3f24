using TorchSharp;

namespace MLNet.Lstm;

/// <summary>The device chosen by <see cref="TorchDeviceOptions.Resolve"/>.</summary>
public sealed class TorchDeviceSelection
{
    internal TorchDeviceSelection(torch.Device device, bool fellBackToCpu, string? reason)
    {
        Device = device;
        FellBackToCpu = fellBackToCpu;
        CpuReason = reason;
    }

    /// <summary>The torch device to place tensors and modules on.</summary>
    public torch.Device Device { get; }

    /// <summary>True when CUDA was asked for explicitly but the CPU is used (<see cref="TorchDeviceOptions.FallbackToCpu"/>).</summary>
    public bool FellBackToCpu { get; }

    /// <summary>Why the CPU is used although CUDA was allowed (null when CPU was asked for or CUDA is used).</summary>
    public string? CpuReason { get; }

    /// <summary>True when <see cref="Device"/> is a CUDA device.</summary>
    public bool IsCuda => Device.type == DeviceType.CUDA;

    /// <inheritdoc/>
    public override string ToString() => CpuReason == null ? Device.ToString() : $"{Device} ({CpuReason})";
}
