namespace SafeChat.Escalation;

/// <summary>
/// Thrown by an <see cref="IEscalationHandler"/> to tell the dispatcher how a failed delivery should be treated:
/// retried (optionally not before <see cref="RetryAfter"/>) or dead-lettered at once (<see cref="IsPermanent"/>).
/// Any other exception is retried with the dispatcher's backoff.
/// </summary>
public sealed class EscalationHandlerException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">A short, low-cardinality status for metrics and the store (for example <c>5xx</c>); never ids or text.</param>
    /// <param name="isPermanent">True when retrying cannot help (for example the receiver refused the request).</param>
    /// <param name="retryAfter">The least wait before the next attempt the receiver asked for, if any.</param>
    public EscalationHandlerException(string status, bool isPermanent = false, TimeSpan? retryAfter = null)
        : base($"Escalation delivery failed with status '{status}'{(isPermanent ? " (permanent)" : string.Empty)}.")
    {
        Status = string.IsNullOrEmpty(status) ? "error" : status;
        IsPermanent = isPermanent;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates the exception with status <c>error</c>.</summary>
    public EscalationHandlerException()
        : this("error")
    {
    }

    /// <summary>Creates the exception; <paramref name="message"/> is used as the status.</summary>
    public EscalationHandlerException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = string.IsNullOrEmpty(message) ? "error" : message;
    }

    /// <summary>Creates the exception; <paramref name="message"/> is used as the status.</summary>
    public EscalationHandlerException(string message)
        : this(message, isPermanent: false)
    {
    }

    /// <summary>The short status recorded in the store and on the metrics.</summary>
    public string Status { get; }

    /// <summary>True when the dispatcher should dead-letter at once instead of retrying.</summary>
    public bool IsPermanent { get; }

    /// <summary>The least wait before the next attempt (honoured up to the dispatcher's MaxBackoff).</summary>
    public TimeSpan? RetryAfter { get; }
}
