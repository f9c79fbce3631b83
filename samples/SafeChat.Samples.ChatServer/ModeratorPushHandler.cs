using Microsoft.AspNetCore.SignalR;
using SafeChat.Escalation;

namespace SafeChat.Samples.ChatServer;

/// <summary>An escalation handler next to the moderation queue: pushes each new escalation to the consoles (no text).</summary>
internal sealed class ModeratorPushHandler(IHubContext<ModeratorHub> moderators) : IEscalationHandler
{
    public string Name => "moderator-push";

    public async ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        if (escalation.Shadow)
        {
            return;
        }

        await moderators.Clients.Group(ModeratorHub.Group).SendAsync(
            "escalation",
            new
            {
                id = escalation.IdempotencyKey,
                rule_id = escalation.RuleId,
                severity = escalation.Severity.ToString().ToLowerInvariant(),
                conversation_id = escalation.ConversationId,
                subject_user_id = escalation.SubjectUserId,
                raised_at = escalation.RaisedAt,
                harms = escalation.Harms,
                signals = escalation.Signals,
                status = "open",
            },
            cancellationToken);
    }
}
