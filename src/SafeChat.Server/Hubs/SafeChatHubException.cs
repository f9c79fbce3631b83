using Microsoft.AspNetCore.SignalR;
using SafeChat.Server.Moderation;

namespace SafeChat.Server.Hubs;

/// <summary>
/// Thrown by the SafeChat hub filter when a message is not delivered or a join is refused. Its message reaches the
/// client (SignalR sends <see cref="HubException"/> messages) and starts with <c>safechat:</c> and the outcome
/// (<c>blocked</c>, <c>held</c>, <c>frozen</c>, <c>unavailable</c>, <c>join-denied</c>, <c>invalid</c>), then the rule ids.
/// It never contains message text or user ids.
/// </summary>
public sealed class SafeChatHubException : HubException
{
    /// <summary>Creates the exception.</summary>
    public SafeChatHubException()
        : this("invalid", [], "The call was refused by SafeChat.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SafeChatHubException(string message)
        : this("invalid", [], message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public SafeChatHubException(string message, Exception innerException)
        : base(message, innerException)
    {
        Outcome = "invalid";
        RuleIds = [];
    }

    /// <summary>Creates the exception for an outcome.</summary>
    /// <param name="outcome">The outcome code (for example <c>blocked</c>).</param>
    /// <param name="ruleIds">The rules behind it.</param>
    /// <param name="description">A short human description.</param>
    public SafeChatHubException(string outcome, IReadOnlyList<string> ruleIds, string description)
        : base(Format(outcome, ruleIds, description))
    {
        Outcome = outcome;
        RuleIds = ruleIds;
    }

    /// <summary>The outcome code.</summary>
    public string Outcome { get; }

    /// <summary>The rules behind the outcome.</summary>
    public IReadOnlyList<string> RuleIds { get; }

    internal static SafeChatHubException ForMessage(MessageModerationResult result) => result.Outcome switch
    {
        MessageOutcome.Blocked => new("blocked", result.RuleIds, "Message blocked by a safety rule."),
        MessageOutcome.Held => new("held", result.RuleIds, "Message held for review by a moderator."),
        MessageOutcome.Frozen => new("frozen", result.RuleIds, "This conversation is frozen until a moderator reviews it."),
        MessageOutcome.Unavailable => new("unavailable", [], "The safety check is unavailable; try again shortly."),
        _ => new("invalid", [], "The message was not delivered."),
    };

    private static string Format(string outcome, IReadOnlyList<string> ruleIds, string description) =>
        ruleIds.Count == 0 ? $"safechat:{outcome}: {description}" : $"safechat:{outcome} [{string.Join(",", ruleIds)}]: {description}";
}
