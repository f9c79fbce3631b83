using SafeChat.Engine;

namespace SafeChat.Client;

/// <summary>Options for <see cref="SafeChatClient"/>. Defaults suit a phone or a game client.</summary>
public sealed class SafeChatClientOptions
{
    /// <summary>
    /// The engine's settings: window, salient messages, signal threshold, alert thresholds, state caps. The client runs
    /// the same <see cref="SafeChatEngine"/> as the server and the CLI, so these mean exactly what they mean there. The
    /// defaults are the engine's, with state caps sized for a phone (64 conversations, 256 dormant conversations, 256 users).
    /// </summary>
    public SafeChatEngineOptions Engine { get; set; } = new() { MaxConversations = 64, MaxDormantConversations = 256, MaxUsers = 256 };

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
        if (Engine is null)
        {
            throw new ArgumentNullException(nameof(Engine), "Engine options must be set.");
        }

        Engine.Validate();

        if (InstallSalt is { Length: < 16 })
        {
            throw new ArgumentException("InstallSalt must be at least 16 bytes.", nameof(InstallSalt));
        }
    }
}
