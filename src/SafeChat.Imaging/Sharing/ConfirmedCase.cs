namespace SafeChat.Sharing;

/// <summary>A reviewed escalation whose signals may be shared.</summary>
/// <param name="CaseId">The platform's case (escalation) id; not exported.</param>
/// <param name="ReviewerConfirmed">True only when a human reviewer confirmed the escalation; anything else is never exported.</param>
/// <param name="Indicators">The identifiers behind the case (the offender's accounts, handles, payment details, content hashes).</param>
public sealed record ConfirmedCase(string CaseId, bool ReviewerConfirmed, IReadOnlyList<RawIndicator> Indicators);
