using SafeChat.Conversations;
using SafeChat.Escalation;
using SafeChat.Evidence;
using SafeChat.Policies;

namespace SafeChat.Samples.ChatServer;

/// <summary>
/// The sample's evidence hook for known-image matches: builds the CyberTip-ready bundle ("Apparent Child Pornography",
/// the file's hashes, the list that matched; no image bytes) and keeps it in an in-memory evidence store. The sample
/// keeps no message history, so the bundle's thread is the one blocked message, described by id and time only.
/// </summary>
internal sealed class KnownImageEvidence(ChatRooms rooms, IEvidenceStore store, TimeProvider time) : IEscalationHandler
{
    private readonly EvidenceBuilder _builder = new(timeProvider: time);

    public string Name => "known-image-evidence";

    public Severity MinimumSeverity => Severity.Critical;

    public async ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        if (escalation.ImageMatches.Count == 0 || escalation.Shadow)
        {
            return;
        }

        var members = rooms.Members(escalation.ConversationId);
        var reported = members.FirstOrDefault(m => m.Id == escalation.SubjectUserId) ?? new Participant(escalation.SubjectUserId);
        var victim = members.FirstOrDefault(m => m.Id != escalation.SubjectUserId) ?? new Participant(escalation.SubjectUserId + ":recipient");
        var message = new ChatMessage("message-" + escalation.MessageIndex, escalation.ConversationId, reported.Id, string.Empty, escalation.RaisedAt) { HasImage = true };
        await store.AppendAsync(_builder.Build(escalation, [message], reported, victim), cancellationToken).ConfigureAwait(false);
    }
}
