using SafeChat.Retention;

namespace SafeChat.Evidence;

/// <summary>
/// A tamper-evident, append-only evidence log (see <see cref="EvidenceChain"/>). Every appended bundle goes on
/// preservation hold (<see cref="RetentionOptions.EvidenceHold"/>, one year by default); purging removes the payload of
/// entries whose hold has ended but keeps each entry's hashes as a tombstone, so the chain still verifies.
/// </summary>
public interface IEvidenceStore : IRetentionTarget
{
    /// <summary>Appends a bundle and puts it on hold until now + <see cref="RetentionOptions.EvidenceHold"/>.</summary>
    ValueTask<EvidenceRecord> AppendAsync(EvidenceBundle bundle, CancellationToken cancellationToken = default);

    /// <summary>One entry by sequence number (1-based), or null.</summary>
    ValueTask<EvidenceRecord?> GetAsync(long sequence, CancellationToken cancellationToken = default);

    /// <summary>Every entry, tombstones included, in sequence order.</summary>
    ValueTask<IReadOnlyList<EvidenceRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Extends an entry's hold to <paramref name="holdUntil"/> (never shortens it). False when the entry is missing or purged.</summary>
    ValueTask<bool> ExtendHoldAsync(long sequence, DateTimeOffset holdUntil, CancellationToken cancellationToken = default);

    /// <summary>Releases an entry's hold; the next purge removes its payload. False when the entry is missing or purged.</summary>
    ValueTask<bool> ReleaseHoldAsync(long sequence, CancellationToken cancellationToken = default);

    /// <summary>Re-computes the chain and returns the first broken entry, if any.</summary>
    ValueTask<EvidenceVerification> VerifyAsync(CancellationToken cancellationToken = default);
}

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

/// <summary>The result of verifying an evidence chain.</summary>
/// <param name="IsValid">True when every entry checks out.</param>
/// <param name="EntriesChecked">How many entries were checked (up to and including the first broken one).</param>
/// <param name="FirstBrokenSequence">The first entry that does not verify, or null.</param>
/// <param name="Reason">Why it does not verify, or null.</param>
public sealed record EvidenceVerification(bool IsValid, int EntriesChecked, long? FirstBrokenSequence, string? Reason)
{
    /// <summary>The head hash (last entry's hash, or genesis) when valid: anchor it outside the store to detect truncation.</summary>
    public string? HeadHash { get; init; }
}
