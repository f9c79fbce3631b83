namespace SafeChat.Server.Moderation;

/// <summary>The JSON shape of an escalation in the moderation API (snake_case; never message text).</summary>
public sealed record EscalationDto
{
    /// <summary>The escalation id (its idempotency key).</summary>
    public required string Id { get; init; }
    /// <summary>The rule that escalated.</summary>
    public required string RuleId { get; init; }
    /// <summary>low, medium, high or critical.</summary>
    public required string Severity { get; init; }
    /// <summary>The conversation (room) id.</summary>
    public required string ConversationId { get; init; }
    /// <summary>The reported user.</summary>
    public required string SubjectUserId { get; init; }
    /// <summary>When it was raised.</summary>
    public required DateTimeOffset RaisedAt { get; init; }
    /// <summary>Risk per harm.</summary>
    public required IReadOnlyDictionary<string, float> Harms { get; init; }
    /// <summary>Signal names that fired.</summary>
    public required IReadOnlyList<string> Signals { get; init; }
    /// <summary>The index of the message that triggered it.</summary>
    public int MessageIndex { get; init; }
    /// <summary>The model version.</summary>
    public string? ModelVersion { get; init; }
    /// <summary>The policy version.</summary>
    public string? PolicyVersion { get; init; }
    /// <summary>True for a shadow-mode rule.</summary>
    public bool Shadow { get; init; }
    /// <summary>open, confirmed, false_positive or appealed.</summary>
    public required string Status { get; init; }
    /// <summary>The latest review.</summary>
    public ReviewDto? Review { get; init; }
    /// <summary>The appeal.</summary>
    public AppealDto? Appeal { get; init; }

    /// <summary>On the single-escalation routes: whether the subject's messages in the conversation are still held (hold-sender).</summary>
    public bool? SenderHeld { get; init; }

    /// <summary>On the single-escalation routes: whether the conversation is frozen.</summary>
    public bool? Frozen { get; init; }

    internal static EscalationDto From(EscalationRecord record)
    {
        var e = record.Escalation;
        return new EscalationDto
        {
            Id = record.Id,
            RuleId = e.RuleId,
            Severity = e.Severity.ToString().ToLowerInvariant(),
            ConversationId = e.ConversationId,
            SubjectUserId = e.SubjectUserId,
            RaisedAt = e.RaisedAt,
            Harms = e.Harms,
            Signals = e.Signals,
            MessageIndex = e.MessageIndex,
            ModelVersion = e.ModelVersion,
            PolicyVersion = e.PolicyVersion,
            Shadow = e.Shadow,
            Status = ModerationApi.StatusName(record.Status),
            Review = record.Review is { } r ? new ReviewDto(r.Outcome == ReviewOutcome.Confirmed ? "confirmed" : "false_positive", r.Reviewer, r.Note, r.At) : null,
            Appeal = record.Appeal is { } a ? new AppealDto(a.AppealedBy, a.Reason, a.At) : null,
        };
    }
}
