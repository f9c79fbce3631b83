namespace SafeChat.Policies;

/// <summary>One problem found while loading or building a policy.</summary>
/// <param name="Source">The file name (or <c>builder</c>, or <c>preset:NAME</c>).</param>
/// <param name="Line">The 1-based line, or 0 when there is no source text.</param>
/// <param name="Column">The 1-based column, or 0 when there is no source text.</param>
/// <param name="Path">Where in the policy, for example <c>rules[2].actions[0].action</c>.</param>
/// <param name="Reason">What is wrong, in plain words.</param>
public sealed record PolicyError(string Source, int Line, int Column, string Path, string Reason)
{
    /// <summary>
    /// Formats the error as <c>file:line:column: path: reason</c> (or <c>source: path: reason</c> without a line). Control
    /// and bidi characters are written as <c>\uXXXX</c>, so a policy file cannot drive the terminal through an error.
    /// </summary>
    public override string ToString() =>
        Line > 0
            ? $"{Json.PolicyText.Escape(Source)}:{Line}:{Column}: {Json.PolicyText.Escape(Path)}: {Json.PolicyText.Escape(Reason)}"
            : $"{Json.PolicyText.Escape(Source)}: {Json.PolicyText.Escape(Path)}: {Json.PolicyText.Escape(Reason)}";
}

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
