namespace SafeChat.Imaging;

/// <summary>A hash list line is invalid. The message names the source and line (<c>file:line: reason</c>), never the line's content.</summary>
public sealed class HashListFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public HashListFormatException()
        : this("The hash list is invalid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public HashListFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public HashListFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for one line.</summary>
    /// <param name="source">The file name or source description.</param>
    /// <param name="line">The 1-based line number.</param>
    /// <param name="reason">What is wrong.</param>
    public HashListFormatException(string source, int line, string reason)
        : base($"{source}:{line}: {reason}")
    {
        Source = source;
        Line = line;
        Reason = reason;
    }

    /// <summary>The 1-based line number, or 0 when not about a line.</summary>
    public int Line { get; }

    /// <summary>What is wrong with the line.</summary>
    public string? Reason { get; }
}
