namespace SafeChat.Matching;

/// <summary>One partner indicator that matched: what kind of identifier, who shared it and why. Never the identifier itself.</summary>
/// <param name="IndicatorType">The identifier kind (for example <c>email</c>, <c>username</c>, <c>payment_handle</c>).</param>
/// <param name="Producer">The partner platform that shared the indicator.</param>
/// <param name="Reason">Why the partner shared it (for example <c>sextortion</c>).</param>
public sealed record SharedSignalLead(string IndicatorType, string Producer, string Reason);
