using SafeChat.Conversations;

namespace SafeChat.Evidence;

/// <summary>The conversation and the two people an evidence bundle is about.</summary>
/// <param name="Messages">The messages, oldest first.</param>
/// <param name="Reported">The reported user (the escalation's subject).</param>
/// <param name="Victim">The child.</param>
public sealed record EvidenceThread(IReadOnlyList<ChatMessage> Messages, Participant Reported, Participant Victim);
