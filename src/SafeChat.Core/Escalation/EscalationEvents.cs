using System.Text;
using SafeChat.Evidence;
using SafeChat.Policies;

namespace SafeChat.Escalation;

/// <summary>Builds <see cref="EscalationEvent"/>s from policy decisions: the glue between the policy engine and the dispatcher.</summary>
public static class EscalationEvents
{
    /// <summary>
    /// The idempotency key for a rule, conversation and subject: <c>esc_</c> plus 32 hex characters of a SHA-256 over the
    /// three (length-prefixed) values. Stable across processes; it reveals none of the ids.
    /// </summary>
    public static string CreateIdempotencyKey(string ruleId, string conversationId, string subjectUserId)
    {
        Require(ruleId, nameof(ruleId));
        Require(conversationId, nameof(conversationId));
        Require(subjectUserId, nameof(subjectUserId));
        var material = new StringBuilder()
            .Append(ruleId.Length).Append(':').Append(ruleId).Append('|')
            .Append(conversationId.Length).Append(':').Append(conversationId).Append('|')
            .Append(subjectUserId.Length).Append(':').Append(subjectUserId)
            .ToString();
        return "esc_" + Sha256Hex.Of(material).Substring(0, 32);
    }

    /// <summary>
    /// Turns an <see cref="PolicyAction.Escalate"/> decision on a message into an escalation about the message's sender.
    /// </summary>
    /// <param name="decision">The decision; its action must be <see cref="PolicyAction.Escalate"/>.</param>
    /// <param name="context">The message context the policy saw.</param>
    /// <param name="policyVersion">The policy's <c>IMessagePolicy.Version</c>.</param>
    /// <param name="raisedAt">Now, from the engine's <see cref="TimeProvider"/>.</param>
    /// <returns>An event whose severity defaults to <see cref="Severity.Medium"/> when the decision names none.</returns>
    public static EscalationEvent FromDecision(Decision decision, MessageContext context, string? policyVersion, DateTimeOffset raisedAt)
    {
        if (decision is null)
        {
            throw new ArgumentNullException(nameof(decision));
        }

        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        if (decision.Action != PolicyAction.Escalate)
        {
            throw new ArgumentException($"decision.Action is {decision.Action}; only {PolicyAction.Escalate} decisions become escalations (rule '{decision.RuleId}').", nameof(decision));
        }

        var conversationId = context.Room.Id;
        var subject = context.Sender.Id;
        var signals = new List<string>();
        foreach (var signal in context.MessageSignals)
        {
            AddDistinct(signals, signal);
        }

        foreach (var evidence in context.Assessment.Signals)
        {
            if (string.Equals(evidence.AuthorId, subject, StringComparison.Ordinal))
            {
                AddDistinct(signals, evidence.Signal);
            }
        }

        var harms = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var pair in context.Assessment.Harms.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            harms[pair.Key] = pair.Value;
        }

        return new EscalationEvent(
            CreateIdempotencyKey(decision.RuleId, conversationId, subject),
            decision.RuleId,
            decision.Severity ?? Severity.Medium,
            conversationId,
            subject,
            raisedAt)
        {
            Harms = harms,
            Signals = signals,
            MessageIndex = context.MessageIndex,
            ModelVersion = context.ModelVersion,
            PolicyVersion = policyVersion,
            Shadow = decision.Shadow,
            ImageMatches = context.ImageMatches,
        };
    }

    /// <summary>
    /// Turns every <see cref="PolicyAction.Escalate"/> decision of a message into an escalation (see
    /// <see cref="FromDecision"/>); other decisions are ignored. Decisions that give the same idempotency key give one
    /// escalation. The engine calls this to fill <c>MessageEvaluation.Escalations</c>.
    /// </summary>
    /// <param name="decisions">The policy's decisions for the message.</param>
    /// <param name="context">The message context the policy saw.</param>
    /// <param name="policyVersion">The policy's <c>IMessagePolicy.Version</c>.</param>
    /// <param name="raisedAt">Now, from the engine's <see cref="TimeProvider"/>.</param>
    public static IReadOnlyList<EscalationEvent> FromDecisions(IReadOnlyList<Decision> decisions, MessageContext context, string? policyVersion, DateTimeOffset raisedAt)
    {
        if (decisions is null)
        {
            throw new ArgumentNullException(nameof(decisions));
        }

        List<EscalationEvent>? escalations = null;
        foreach (var decision in decisions)
        {
            if (decision is null || decision.Action != PolicyAction.Escalate)
            {
                continue;
            }

            var escalation = FromDecision(decision, context, policyVersion, raisedAt);
            escalations ??= [];
            if (!escalations.Exists(e => string.Equals(e.IdempotencyKey, escalation.IdempotencyKey, StringComparison.Ordinal)))
            {
                escalations.Add(escalation);
            }
        }

        // No escalation (nearly every message): the shared empty list, not a new one each time.
        return escalations is null ? NoEscalations : escalations;
    }

    private static readonly IReadOnlyList<EscalationEvent> NoEscalations = [];

    private static void AddDistinct(List<string> list, string value)
    {
        if (!list.Contains(value, StringComparer.Ordinal))
        {
            list.Add(value);
        }
    }

    private static void Require(string value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"{name} must not be null or empty.", name);
        }
    }
}
