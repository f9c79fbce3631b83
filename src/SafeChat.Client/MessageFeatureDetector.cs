using System.Text.RegularExpressions;
using SafeChat.Conversations;
using SafeChat.Policies;

namespace SafeChat.Client;

/// <summary>Finds the cheap <see cref="MessageFeatures"/> of a message on the device. The text never leaves this method.</summary>
public static class MessageFeatureDetector
{
    private static readonly Regex Link = new(
        @"(https?://|www\.)\S|\b[a-z0-9-]{2,}\.(com|net|org|io|gg|ly|me|app|link|tv|co|xyz)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));

    private static readonly Regex ContactHandle = new(
        @"(?<![\w@])@[a-z0-9_.]{3,30}\b|\+?\d[\d \-().]{6,}\d",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));

    /// <summary>Detects links, images, phone numbers or handles, and the length.</summary>
    public static MessageFeatures Detect(ChatMessage message)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        var text = message.Text ?? string.Empty;
        return new MessageFeatures
        {
            HasLink = SafeMatch(Link, text),
            HasImage = message.HasImage,
            HasContactHandle = SafeMatch(ContactHandle, text),
            Length = text.Length,
        };
    }

    private static bool SafeMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological text is treated as having the feature: the cautious answer for a safety check.
            return true;
        }
    }
}
