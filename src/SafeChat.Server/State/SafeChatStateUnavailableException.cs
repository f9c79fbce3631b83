namespace SafeChat.Server;

/// <summary>
/// Thrown by a distributed state store (for example the Redis stores) when its backend cannot be reached or timed out.
/// The server catches it and applies <see cref="SafeChatServerOptions.FailureMode"/>. Its message never holds ids or text.
/// </summary>
public sealed class SafeChatStateUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SafeChatStateUnavailableException()
        : this("The SafeChat state backend is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SafeChatStateUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the backend's own error.</summary>
    public SafeChatStateUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
