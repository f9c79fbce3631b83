namespace SafeChat.Evidence;

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
