namespace SafeChat.Client;

/// <summary>Whether a message was checked before sending or on receipt.</summary>
public enum MessageDirection
{
    /// <summary>The local user is sending it.</summary>
    Outgoing = 0,
    /// <summary>The local user received it.</summary>
    Incoming = 1,
}
