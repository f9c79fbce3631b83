using Microsoft.AspNetCore.SignalR;
using SafeChat.Server.Hubs;
using SafeChat.Server.Moderation;

namespace SafeChat.Samples.ChatServer;

/// <summary>
/// A hub filter around SafeChat's: after SafeChat has moderated a chat message (delivered or not), it stores the message
/// with its outcome and scores in the <see cref="ConversationLog"/> and tells the moderator consoles that the room moved on,
/// so an open case view shows what happened after the escalation. Registered before AddSafeChatServer so it runs outside.
/// </summary>
internal sealed class ModerationRecorder(ConversationLog log, ChatRooms rooms, IHubContext<ModeratorHub> moderators, TimeProvider time) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.HubMethodName != nameof(ChatHub.SendMessage))
        {
            return await next(invocationContext);
        }

        invocationContext.Context.Items.Remove(SafeChatHubFilter.MessageResultItemKey);
        try
        {
            return await next(invocationContext);
        }
        finally
        {
            await RecordAsync(invocationContext);
        }
    }

    private async Task RecordAsync(HubInvocationContext invocation)
    {
        if (!invocation.Context.Items.TryGetValue(SafeChatHubFilter.MessageResultItemKey, out var item) || item is not MessageModerationResult result
            || invocation.HubMethodArguments[0] is not string roomId || ChatHubResolver.Caller(invocation.Context) is not { } caller)
        {
            return;
        }

        var evaluation = result.Evaluation;
        var existing = log.Room(roomId);
        var authorHarms = evaluation?.Assessment.Authors.FirstOrDefault(a => a.AuthorId == caller.Id)?.Harms ?? new Dictionary<string, float>();
        log.Add(
            new LoggedMessage(
                Guid.NewGuid().ToString("N"),
                roomId,
                evaluation?.MessageIndex ?? (existing.Count == 0 ? 0 : existing[^1].Index + 1),
                caller.Id,
                invocation.HubMethodArguments[1] as string ?? string.Empty,
                time.GetUtcNow(),
                OutcomeName(result.Outcome),
                result.RuleIds,
                evaluation?.Signals ?? [],
                evaluation?.Assessment.Harms ?? new Dictionary<string, float>(),
                authorHarms) { Scored = evaluation is not null },
            [caller, .. rooms.Members(roomId)]);
        await moderators.Clients.Group(ModeratorHub.Group).SendAsync("activity", new { conversation_id = roomId });
    }

    private static string OutcomeName(MessageOutcome outcome) => outcome switch
    {
        MessageOutcome.Delivered => "delivered",
        MessageOutcome.DeliveredUnscored => "delivered_unscored",
        MessageOutcome.Blocked => "blocked",
        MessageOutcome.Held => "held",
        MessageOutcome.Frozen => "frozen",
        _ => "unavailable",
    };
}
