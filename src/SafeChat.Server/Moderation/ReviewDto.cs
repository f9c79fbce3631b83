namespace SafeChat.Server.Moderation;

/// <summary>A review in the moderation API.</summary>
/// <param name="Outcome">confirmed or false_positive.</param>
/// <param name="Reviewer">Who reviewed.</param>
/// <param name="Note">The reviewer's note.</param>
/// <param name="At">When.</param>
public sealed record ReviewDto(string Outcome, string Reviewer, string? Note, DateTimeOffset At);
