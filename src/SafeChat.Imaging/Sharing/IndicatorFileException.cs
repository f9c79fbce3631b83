namespace SafeChat.Sharing;

/// <summary>An indicator file is refused: malformed, unsigned, signed by an unknown producer, tampered with, or for another key.</summary>
public sealed class IndicatorFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IndicatorFileException()
        : this("The indicator file is refused.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Why the file is refused (names the file part, never an indicator).</param>
    public IndicatorFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">Why the file is refused.</param>
    /// <param name="innerException">The cause.</param>
    public IndicatorFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
