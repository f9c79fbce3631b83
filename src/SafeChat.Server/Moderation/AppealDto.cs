namespace SafeChat.Server.Moderation;

/// <summary>An appeal in the moderation API.</summary>
/// <param name="AppealedBy">Who appealed.</param>
/// <param name="Reason">Why.</param>
/// <param name="At">When.</param>
public sealed record AppealDto(string AppealedBy, string Reason, DateTimeOffset At);
