using SafeChat.Engine;

namespace SafeChat.Matching;

/// <summary>
/// Matches a message's sender and text against indicators shared by partner platforms (hashed account signals, as in
/// the Tech Coalition's Lantern; implemented by SafeChat.Imaging's <c>SharedSignalMatcher</c>). A match is a lead for
/// review (feature <c>shared_signal_lead</c>), never proof and never a reason to ban by itself. Called for every message
/// when configured.
/// </summary>
public interface ISharedSignalMatcher
{
    /// <summary>Returns the leads for this message (empty when nothing matched). Must not keep the text.</summary>
    /// <param name="envelope">The message with its sender.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<IReadOnlyList<SharedSignalLead>> MatchAsync(MessageEnvelope envelope, CancellationToken cancellationToken = default);
}
