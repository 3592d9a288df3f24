namespace MLNet.Lstm;

/// <summary>The kind of device a device string names.</summary>
internal enum TorchDeviceKind { Auto, Cpu, Cuda }
