namespace SafeChat.Inference.Models;

/// <summary>A model file whose sha256 differs from the one in its card, or a listed file that is missing.</summary>
public sealed class ModelIntegrityException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelIntegrityException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelIntegrityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the cause.</summary>
    public ModelIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the file and both hashes.</summary>
    /// <param name="fileName">The file, with its source.</param>
    /// <param name="expectedSha256">The hash listed in the card.</param>
    /// <param name="actualSha256">The hash of the file as read, or <see langword="null"/> if the file is missing.</param>
    public ModelIntegrityException(string fileName, string expectedSha256, string? actualSha256)
        : base(actualSha256 is null
            ? $"{fileName}: listed in the model card (sha256 {expectedSha256}) but missing."
            : $"{fileName}: sha256 mismatch: the model card expects {expectedSha256}, the file has {actualSha256}.")
    {
        FileName = fileName;
        ExpectedSha256 = expectedSha256;
        ActualSha256 = actualSha256;
    }

    /// <summary>The file at fault, with its source.</summary>
    public string? FileName { get; }

    /// <summary>The sha256 listed in the card.</summary>
    public string? ExpectedSha256 { get; }

    /// <summary>The sha256 of the file as read, or <see langword="null"/> if the file is missing.</summary>
    public string? ActualSha256 { get; }
}
