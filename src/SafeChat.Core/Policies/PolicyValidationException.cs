namespace SafeChat.Policies;

/// <summary>
/// Thrown when a policy does not validate. The message lists every error, one per line, as
/// <c>file:line:column: path: reason</c>.
/// </summary>
public sealed class PolicyValidationException : Exception
{
    /// <summary>Creates the exception from its errors.</summary>
    public PolicyValidationException(IReadOnlyList<PolicyError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a single free-form message (prefer the errors constructor).</summary>
    public PolicyValidationException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates the exception with a single free-form message and an inner exception.</summary>
    public PolicyValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Creates an empty exception (prefer the errors constructor).</summary>
    public PolicyValidationException()
    {
        Errors = [];
    }

    /// <summary>Every error found, in source order.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }

    private static string Format(IReadOnlyList<PolicyError> errors)
    {
        if (errors is null)
        {
            throw new ArgumentNullException(nameof(errors));
        }

        return string.Join("\n", errors.Select(e => e.ToString()));
    }
}
