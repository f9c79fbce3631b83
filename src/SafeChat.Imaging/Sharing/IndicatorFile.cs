namespace SafeChat.Sharing;

/// <summary>
/// A signed file of hashed indicators (or a retraction of them) from one platform. It says who produced it, when, why,
/// and until when it is valid; see <see cref="IndicatorFiles"/> for the on-disk format and signature.
/// </summary>
public sealed record IndicatorFile
{
    /// <summary>The format name, <see cref="CurrentFormat"/>.</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>Indicators or a retraction.</summary>
    public IndicatorFileKind Kind { get; init; }

    /// <summary>The producing platform's name (the importer looks up its public key by this name).</summary>
    public required string Producer { get; init; }

    /// <summary>When the file was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the indicators stop counting (an importer drops them then).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Why they are shared (for example <c>sextortion</c>) or retracted (for example <c>appeal upheld</c>).</summary>
    public required string Reason { get; init; }

    /// <summary>The name of the shared HMAC secret the values were computed with.</summary>
    public required string KeyId { get; init; }

    /// <summary>The indicators (added, or withdrawn for a retraction).</summary>
    public IReadOnlyList<SharedIndicator> Indicators { get; init; } = [];

    /// <summary>The format this build writes.</summary>
    public const string CurrentFormat = "safechat.indicators/1";
}
