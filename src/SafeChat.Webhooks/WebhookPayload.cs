using System.Text.Json;
using System.Text.Json.Serialization;
using SafeChat.Escalation;
using SafeChat.Policies;

namespace SafeChat.Webhooks;

/// <summary>
/// The JSON body of an escalation webhook: the escalation's ids, rule, severity, harms, signals, versions and times.
/// It never contains message text. The body is fixed when the escalation enters the outbox, so every retry sends the
/// same bytes.
/// </summary>
public sealed record WebhookPayload
{
    /// <summary>The event type, always <c>safechat.escalation</c>.</summary>
    public string Type { get; init; } = EventType;

    /// <summary>The payload schema version.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>The idempotency key (also in the <c>Idempotency-Key</c> header).</summary>
    public string IdempotencyKey { get; init; } = string.Empty;

    /// <summary>The rule that escalated.</summary>
    public string RuleId { get; init; } = string.Empty;

    /// <summary>The severity.</summary>
    public Severity Severity { get; init; }

    /// <summary>The conversation (room) id.</summary>
    public string ConversationId { get; init; } = string.Empty;

    /// <summary>The user the escalation is about.</summary>
    public string SubjectUserId { get; init; } = string.Empty;

    /// <summary>When the escalation was raised.</summary>
    public DateTimeOffset RaisedAt { get; init; }

    /// <summary>The index of the triggering message.</summary>
    public int MessageIndex { get; init; }

    /// <summary>Risk per harm.</summary>
    public IReadOnlyDictionary<string, float> Harms { get; init; } = new Dictionary<string, float>();

    /// <summary>The signals that fired.</summary>
    public IReadOnlyList<string> Signals { get; init; } = [];

    /// <summary>The model version.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The policy version.</summary>
    public string? PolicyVersion { get; init; }

    /// <summary>True when raised by a shadow-mode rule.</summary>
    public bool Shadow { get; init; }

    /// <summary>The <see cref="Type"/> value of escalation webhooks.</summary>
    public const string EventType = "safechat.escalation";

    /// <summary>The JSON options: camelCase, enums as camelCase strings.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    /// <summary>Maps an escalation to its payload.</summary>
    public static WebhookPayload FromEscalation(EscalationEvent escalation)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        return new WebhookPayload
        {
            IdempotencyKey = escalation.IdempotencyKey,
            RuleId = escalation.RuleId,
            Severity = escalation.Severity,
            ConversationId = escalation.ConversationId,
            SubjectUserId = escalation.SubjectUserId,
            RaisedAt = escalation.RaisedAt,
            MessageIndex = escalation.MessageIndex,
            Harms = new SortedDictionary<string, float>(escalation.Harms.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal),
            Signals = [.. escalation.Signals],
            ModelVersion = escalation.ModelVersion,
            PolicyVersion = escalation.PolicyVersion,
            Shadow = escalation.Shadow,
        };
    }

    /// <summary>Maps the payload back to an escalation (receivers that use SafeChat.Core).</summary>
    public EscalationEvent ToEscalation() => new(IdempotencyKey, RuleId, Severity, ConversationId, SubjectUserId, RaisedAt)
    {
        Harms = new Dictionary<string, float>(Harms, StringComparer.Ordinal),
        Signals = [.. Signals],
        MessageIndex = MessageIndex,
        ModelVersion = ModelVersion,
        PolicyVersion = PolicyVersion,
        Shadow = Shadow,
    };

    /// <summary>Serialises the payload to its JSON body.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses a JSON body. Verify the signature first.</summary>
    /// <exception cref="FormatException">The body is not an escalation payload; the message names the JSON path.</exception>
    public static WebhookPayload Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        WebhookPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<WebhookPayload>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Webhook payload is invalid at {ex.Path ?? "$"} (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }

        if (payload is null || !string.Equals(payload.Type, EventType, StringComparison.Ordinal))
        {
            throw new FormatException($"Webhook payload at $.type is not '{EventType}'.");
        }

        if (string.IsNullOrEmpty(payload.IdempotencyKey))
        {
            throw new FormatException("Webhook payload at $.idempotencyKey is missing.");
        }

        return payload;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
