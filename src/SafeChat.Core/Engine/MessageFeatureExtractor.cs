using SafeChat.Conversations;
using SafeChat.Policies;

namespace SafeChat.Engine;

/// <summary>Cheap, text-free features of a message for policies. One pass over the text, no allocation.</summary>
internal static class MessageFeatureExtractor
{
    private const int MinPhoneDigits = 7;

    public static MessageFeatures Extract(ChatMessage message, string scoredText) => new()
    {
        HasLink = HasLink(scoredText),
        HasImage = message.HasImage,
        HasContactHandle = HasContactHandle(scoredText),
        Length = message.Text?.Length ?? 0,
    };

    internal static bool HasLink(string text) =>
        text.IndexOf("://", StringComparison.Ordinal) >= 0
        || text.IndexOf("www.", StringComparison.OrdinalIgnoreCase) >= 0
        || text.IndexOf(".com", StringComparison.OrdinalIgnoreCase) >= 0
        || text.IndexOf(".gg/", StringComparison.OrdinalIgnoreCase) >= 0;

    // A phone-like run of digits (spaces, dots, dashes and brackets between them allowed) or an @handle.
    internal static bool HasContactHandle(string text)
    {
        var digits = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '0' and <= '9')
            {
                if (++digits >= MinPhoneDigits)
                {
                    return true;
                }
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')' or '+'))
            {
                digits = 0;
            }

            if (c == '@' && i + 1 < text.Length && (char.IsLetterOrDigit(text[i + 1]) || text[i + 1] == '_'))
            {
                return true;
            }
        }

        return false;
    }
}
