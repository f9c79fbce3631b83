using SafeChat.Conversations;

namespace SafeChat.Matching;

/// <summary>
/// Matches a message's image attachments against known-image hash lists (implemented by SafeChat.Imaging's
/// <c>HashListMatcher</c>). The engine calls it only for messages that carry attachments, before the policy, and puts the
/// matches into <see cref="Policies.MessageContext.ImageMatches"/> and the <c>known_csam_match</c> feature.
/// </summary>
public interface IImageMatcher
{
    /// <summary>Returns the matches of the attachments (empty when none matched). Must not keep the bytes.</summary>
    /// <param name="attachments">The message's attachments.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    ValueTask<IReadOnlyList<ImageMatch>> MatchAsync(IReadOnlyList<ImageAttachment> attachments, CancellationToken cancellationToken = default);
}
