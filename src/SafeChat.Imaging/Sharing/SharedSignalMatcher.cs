using SafeChat.Conversations;
using SafeChat.Engine;
using SafeChat.Matching;

namespace SafeChat.Sharing;

/// <summary>
/// The engine's <see cref="ISharedSignalMatcher"/>: looks up the sender's id (as a username) and the identifiers a
/// message shows (email addresses, phone numbers, <c>@handles</c>, <c>$payment</c> handles, <c>platform:handle</c>
/// pairs, the exact hashes of attachments) in an <see cref="IndicatorStore"/>. Keeps nothing. A match is a lead that
/// raises the conversation for review; policies must not ban on it alone.
/// </summary>
public sealed class SharedSignalMatcher : ISharedSignalMatcher
{
    private static readonly char[] Separators = [' ', '\t', '\n', '\r', ',', ';', '!', '?', '"', '\'', '(', ')', '<', '>'];
    private readonly IndicatorStore _store;

    /// <summary>Creates a matcher.</summary>
    /// <param name="store">The imported partner indicators.</param>
    public SharedSignalMatcher(IndicatorStore store) => _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SharedSignalLead>> MatchAsync(MessageEnvelope envelope, CancellationToken cancellationToken = default)
    {
        if (envelope is null)
        {
            throw new ArgumentNullException(nameof(envelope));
        }

        List<SharedSignalLead>? leads = null;
        Add(ref leads, _store.Match(IndicatorTypes.Username, envelope.Sender.Id));
        foreach (var (type, value) in Candidates(envelope.Message))
        {
            Add(ref leads, _store.Match(type, value));
        }

        return new ValueTask<IReadOnlyList<SharedSignalLead>>(leads is null ? [] : leads);
    }

    /// <summary>The identifiers a message shows, by indicator type (for matching; never stored).</summary>
    /// <param name="message">The message.</param>
    public static IEnumerable<(string Type, string Value)> Candidates(ChatMessage message)
    {
        if (message is null)
        {
            throw new ArgumentNullException(nameof(message));
        }

        var text = message.Text ?? string.Empty;
        foreach (var raw in text.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.TrimEnd('.', ':');
            if (token.Length < 3)
            {
                continue;
            }

            var at = token.IndexOf('@');
            if (at > 0 && token.IndexOf('.', at) > at + 1)
            {
                yield return (IndicatorTypes.Email, token);
            }
            else if (token[0] == '@')
            {
                yield return (IndicatorTypes.Username, token);
                yield return (IndicatorTypes.ExternalHandle, token);
            }
            else if (token[0] == '$')
            {
                yield return (IndicatorTypes.PaymentHandle, token);
            }
            else if (token.IndexOf(':') > 0 && !token.Contains("//"))
            {
                yield return (IndicatorTypes.ExternalHandle, token);
            }
        }

        foreach (var phone in PhoneRuns(text))
        {
            yield return (IndicatorTypes.Phone, phone);
        }

        foreach (var attachment in message.Attachments ?? [])
        {
            foreach (var hash in attachment?.Hashes ?? [])
            {
                if (hash is not null && hash.Type is ContentHashTypes.Sha256 or ContentHashTypes.Md5)
                {
                    yield return (IndicatorTypes.ContentHash, hash.Type + ":" + hash.Value);
                }
            }
        }
    }

    // Runs of digits and phone punctuation with at least 7 digits ("+1 (555) 123-4567").
    private static IEnumerable<string> PhoneRuns(string text)
    {
        var start = -1;
        var digits = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\0';
            var part = (c >= '0' && c <= '9') || c is '+' or '-' or '(' or ')' or ' ' or '.';
            if (part)
            {
                if (start < 0)
                {
                    start = i;
                }

                if (c >= '0' && c <= '9')
                {
                    digits++;
                }
            }
            else
            {
                if (start >= 0 && digits >= 7 && digits <= 15)
                {
                    yield return text.Substring(start, i - start);
                }

                start = -1;
                digits = 0;
            }
        }
    }

    private static void Add(ref List<SharedSignalLead>? leads, IReadOnlyList<SharedSignalLead> found)
    {
        foreach (var lead in found)
        {
            if (!(leads ??= []).Contains(lead))
            {
                leads.Add(lead);
            }
        }
    }
}
