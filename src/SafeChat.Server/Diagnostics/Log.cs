using Microsoft.Extensions.Logging;

namespace SafeChat.Server.Diagnostics;

/// <summary>Source-generated log messages. None of them carries a user id, a room id or message text.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "SafeChat state backend unavailable ({Reason}); applying {FailureMode} until it recovers.")]
    public static partial void StateUnavailable(ILogger logger, string reason, StateFailureMode failureMode);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "SafeChat state backend recovered after {FailedOperations} failed operation(s).")]
    public static partial void StateRecovered(ILogger logger, long failedOperations);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "SafeChat Redis circuit breaker opened after {Failures} consecutive failed operation(s); Redis calls fail fast for {BreakDuration} before a probe.")]
    public static partial void RedisCircuitOpened(ILogger logger, int failures, TimeSpan breakDuration);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "SafeChat Redis circuit breaker closed: a probe succeeded.")]
    public static partial void RedisCircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "SafeChat did not deliver a message: {Outcome} [{RuleIds}].")]
    public static partial void MessageRefused(ILogger logger, string outcome, string ruleIds);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "SafeChat refused a join: {Outcome} [{RuleIds}].")]
    public static partial void JoinRefused(ILogger logger, string outcome, string ruleIds);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "SafeChat holds a sender's messages in a conversation until a reviewer decides (rule {RuleId}).")]
    public static partial void SenderHeld(ILogger logger, string ruleId);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "SafeChat moderation: {Action} by a reviewer (rule {RuleId}).")]
    public static partial void ReviewerAction(ILogger logger, string action, string ruleId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "SafeChat escalation dispatcher refused an escalation for rule {RuleId} (the escalation store failed or the dispatcher is shutting down); it was not accepted.")]
    public static partial void EscalationDispatchRefused(ILogger logger, string ruleId);
}
