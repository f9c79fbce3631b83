namespace SafeChat.Evidence;

/// <summary>One entry of the evidence log.</summary>
/// <param name="Sequence">1-based position in the chain.</param>
/// <param name="RecordedAt">When it was appended (millisecond precision).</param>
/// <param name="IdempotencyKey">The escalation's idempotency key.</param>
/// <param name="PayloadSha256">SHA-256 of the UTF-8 payload JSON.</param>
/// <param name="PreviousHash">The previous entry's <paramref name="EntryHash"/> (<see cref="EvidenceChain.GenesisHash"/> for the first).</param>
/// <param name="EntryHash">sha256(previous hash bytes || canonical header JSON).</param>
public sealed record EvidenceRecord(
    long Sequence,
    DateTimeOffset RecordedAt,
    string IdempotencyKey,
    string PayloadSha256,
    string PreviousHash,
    string EntryHash)
{
    /// <summary>The bundle JSON exactly as hashed; null once purged.</summary>
    public string? PayloadJson { get; init; }

    /// <summary>The end of the preservation hold; null when released.</summary>
    public DateTimeOffset? HoldUntil { get; init; }

    /// <summary>When the payload was purged; null while it is kept.</summary>
    public DateTimeOffset? PurgedAt { get; init; }

    /// <summary>True for a tombstone (payload purged, hashes kept).</summary>
    public bool IsPurged => PurgedAt is not null;

    /// <summary>Parses the payload; null for a tombstone.</summary>
    public EvidenceBundle? ReadBundle() => PayloadJson is null ? null : EvidenceJson.Deserialize(PayloadJson);
}
