namespace SafeChat.Client;

/// <summary>How the sender's id appears in a <see cref="SignalReport"/>.</summary>
public enum SenderIdReporting
{
    /// <summary>An HMAC-SHA256 of the id keyed with the per-install salt (the default): stable per install, not reversible.</summary>
    Hashed = 0,
    /// <summary>No sender id at all.</summary>
    Omitted = 1,
}
