namespace MLNet.Lstm;

/// <summary>
/// Thrown when TorchSharp's native library (<c>libLibTorchSharp</c>) or one of its dependencies cannot be loaded.
/// The message names the library, what is missing (a file or a symbol version) and what to do about it.
/// </summary>
public sealed class TorchNativeLoadException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    public TorchNativeLoadException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    /// <param name="innerException">The underlying error (for example the loader's <see cref="DllNotFoundException"/>).</param>
    public TorchNativeLoadException(string message, Exception? innerException) : base(message, innerException) { }

    internal TorchNativeLoadException(string message, string? libraryPath, string? missingVersion, string? missingFile, Exception? innerException)
        : base(message, innerException)
    {
        LibraryPath = libraryPath;
        MissingVersion = missingVersion;
        MissingFile = missingFile;
    }

    /// <summary>Full path of the native library that failed to load, when known.</summary>
    public string? LibraryPath { get; }

    /// <summary>The symbol version the system lacks (for example <c>GLIBCXX_3.4.31</c>), when that was the cause.</summary>
    public string? MissingVersion { get; }

    /// <summary>The file that could not be found (for example <c>libtorch.so</c>), when that was the cause.</summary>
    public string? MissingFile { get; }
}
