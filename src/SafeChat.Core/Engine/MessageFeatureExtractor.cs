using SafeChat.Conversations;
using SafeChat.Policies;

namespace SafeChat.Engine;

/// <summary>
/// Cheap, text-free features of a message for policies: links, contact handles, images, length. The one place these
/// are detected (the engine calls it for every SDK, on the device and on the server). One pass per feature, no
/// allocation, no regular expressions (so no timeouts to tune).
/// </summary>
internal static class MessageFeatureExtractor
{
    private const int MinPhoneDigits = 7;
    private const int MinHandleLength = 3;

    // Top-level domains that chat links use; "name.tld" with one of these counts as a link without a scheme.
    private static readonly string[] LinkDomains = ["com", "net", "org", "io", "gg", "ly", "me", "app", "link", "tv", "co", "xyz"];

    public static MessageFeatures Extract(ChatMessage message, string scoredText) => new()
    {
        HasLink = HasLink(scoredText),
        HasImage = message.HasImage,
        HasContactHandle = HasContactHandle(scoredText),
        Length = message.Text?.Length ?? 0,
    };

    /// <summary>A scheme (<c>://</c>), <c>www.</c>, or a bare domain such as <c>coolgames.gg</c> or <c>discord.com/x</c>.</summary>
    internal static bool HasLink(string text)
    {
        if (text.IndexOf("://", StringComparison.Ordinal) >= 0 || text.IndexOf("www.", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return true;
        }

        for (var dot = text.IndexOf('.'); dot >= 0; dot = text.IndexOf('.', dot + 1))
        {
            // At least two name characters before the dot...
            var nameLength = 0;
            for (var i = dot - 1; i >= 0 && IsNameChar(text[i]); i--)
            {
                nameLength++;
            }

            if (nameLength < 2)
            {
                continue;
            }

            // ...and a known domain right after it, ending at a non-letter.
            var end = dot + 1;
            while (end < text.Length && IsAsciiLetter(text[end]))
            {
                end++;
            }

            var length = end - dot - 1;
            if (length < 2 || (end < text.Length && char.IsLetterOrDigit(text[end])))
            {
                continue;
            }

            foreach (var domain in LinkDomains)
            {
                if (domain.Length == length && string.Compare(text, dot + 1, domain, 0, length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A phone-like run of at least seven digits (spaces, dots, dashes, brackets and plus signs between them allowed)
    /// or an <c>@handle</c> of at least three characters that is not inside a word (an e-mail address's <c>@</c> is not a handle).
    /// </summary>
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

            if (c == '@' && (i == 0 || !(IsNameChar(text[i - 1]) || text[i - 1] == '@')) && HandleLength(text, i + 1) >= MinHandleLength)
            {
                return true;
            }
        }

        return false;
    }

    private static int HandleLength(string text, int start)
    {
        var length = 0;
        for (var i = start; i < text.Length && (IsNameChar(text[i]) || text[i] == '.'); i++)
        {
            length++;
        }

        return length;
    }

    private static bool IsNameChar(char c) => IsAsciiLetter(c) || c is (>= '0' and <= '9') or '-' or '_';

    private static bool IsAsciiLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');
}
