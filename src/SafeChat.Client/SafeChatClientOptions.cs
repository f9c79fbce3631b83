namespace SafeChat.Client;

/// <summary>How the sender's id appears in a <see cref="SignalReport"/>.</summary>
public enum SenderIdReporting
{
    /// <summary>An HMAC-SHA256 of the id keyed with the per-install salt (the default): stable per install, not reversible.</summary>
    Hashed = 0,
    /// <summary>No sender id at all.</summary>
    Omitted = 1,
}

/// <summary>Options for <see cref="SafeChatClient"/>. Defaults suit a phone or a game client.</summary>
public sealed class SafeChatClientOptions
{
    /// <summary>Messages kept per conversation for scoring (default 30).</summary>
    public int WindowSize { get; set; } = 30;

    /// <summary>Conversations kept at once; the least recently used is forgotten first (default 64).</summary>
    public int MaxConversations { get; set; } = 64;

    /// <summary>A signal counts as fired on a message when its probability reaches this (default 0.5).</summary>
    public float SignalThreshold { get; set; } = 0.5f;

    /// <summary>
    /// The per-install salt for hashing sender ids in reports (at least 16 bytes). Persist one from
    /// <see cref="SafeChatClient.CreateInstallSalt"/> so hashes stay stable across restarts; when null a random salt is
    /// made per client instance.
    /// </summary>
    public byte[]? InstallSalt { get; set; }

    /// <summary>How the sender id appears in reports (default <see cref="SenderIdReporting.Hashed"/>).</summary>
    public SenderIdReporting SenderIdReporting { get; set; } = SenderIdReporting.Hashed;

    /// <summary>When true (the default) a report is sent only when a signal fired or a rule decided something.</summary>
    public bool ReportOnlyWhenFlagged { get; set; } = true;

    internal void Validate()
    {
        if (WindowSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WindowSize), WindowSize, "WindowSize must be at least 1.");
        }

        if (MaxConversations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConversations), MaxConversations, "MaxConversations must be at least 1.");
        }

        if (SignalThreshold is < 0f or > 1f || float.IsNaN(SignalThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(SignalThreshold), SignalThreshold, "SignalThreshold must be in [0, 1].");
        }

        if (InstallSalt is { Length: < 16 })
        {
            throw new ArgumentException("InstallSalt must be at least 16 bytes.", nameof(InstallSalt));
        }
    }
}
