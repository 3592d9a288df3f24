namespace MLNet.Lstm;

/// <summary>Thrown when a file is not a well-formed 64-bit little-endian ELF file as far as the patcher needs.</summary>
internal sealed class ElfFormatException : Exception
{
    public ElfFormatException(string message) : base(message) { }
}
