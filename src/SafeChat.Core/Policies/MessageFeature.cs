namespace SafeChat.Policies;

/// <summary>A cheap message feature a rule can require (file names <c>link</c>, <c>image</c>, <c>contact_handle</c>, <c>known_csam_match</c>, <c>shared_signal_lead</c>).</summary>
public enum MessageFeature
{
    /// <summary>The message contains a link.</summary>
    Link = 0,
    /// <summary>The message carries an image or video.</summary>
    Image = 1,
    /// <summary>The message contains a phone number or an off-platform handle.</summary>
    ContactHandle = 2,
    /// <summary>An image attachment matched a known-image (CSAM) hash list (file name <c>known_csam_match</c>).</summary>
    KnownCsamMatch = 3,
    /// <summary>The sender or message matched a partner's shared indicator: a lead for review (file name <c>shared_signal_lead</c>).</summary>
    SharedSignalLead = 4,
}
