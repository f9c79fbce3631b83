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
