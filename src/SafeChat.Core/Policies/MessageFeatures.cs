namespace SafeChat.Policies;

/// <summary>Cheap features of a message that rules can use. Never contains the text itself.</summary>
public sealed record MessageFeatures
{
    /// <summary>The message contains a link.</summary>
    public bool HasLink { get; init; }

    /// <summary>The message carries an image or video.</summary>
    public bool HasImage { get; init; }

    /// <summary>The message contains something that looks like a phone number or a handle on another platform.</summary>
    public bool HasContactHandle { get; init; }

    /// <summary>An attachment matched a known-image (CSAM) hash list (rule feature <c>known_csam_match</c>).</summary>
    public bool KnownCsamMatch { get; init; }

    /// <summary>The sender or the message matched an indicator a partner platform shared (rule feature <c>shared_signal_lead</c>).</summary>
    public bool SharedSignalLead { get; init; }

    /// <summary>The message length in characters.</summary>
    public int Length { get; init; }
}
