using System.Text;
using System.Text.RegularExpressions;
using SafeChat.Inference.Features;

namespace SafeChat.Training;

/// <summary>
/// Builds the WordPiece vocabulary from normalized training text: special tokens, every character seen (as a word
/// start and as a <c>##</c> continuation), frequent word suffixes as continuations, then the most frequent words.
/// Deterministic: ties break by ordinal order.
/// </summary>
internal static partial class VocabularyBuilder
{
    [GeneratedRegex(@"\w+|[^\w\s]+")]
    private static partial Regex WordOrNonWord();

    public static List<string> Build(IEnumerable<string> normalizedTexts, int maxWords, int minWordCount, int maxSuffixes)
    {
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in normalizedTexts)
        {
            foreach (Match match in WordOrNonWord().Matches(text))
            {
                var word = match.Value;
                if (word.Length > 40)
                {
                    continue;
                }

                words[word] = words.GetValueOrDefault(word) + 1;
            }
        }

        var chars = new Dictionary<string, int>(StringComparer.Ordinal);
        var suffixes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (word, count) in words)
        {
            foreach (var rune in word.EnumerateRunes())
            {
                var key = rune.ToString();
                chars[key] = chars.GetValueOrDefault(key) + count;
            }

            for (int length = 2; length <= 4; length++)
            {
                if (word.Length > length + 1)
                {
                    var suffix = word[^length..];
                    if (!char.IsLowSurrogate(suffix[0]))
                    {
                        suffixes[suffix] = suffixes.GetValueOrDefault(suffix) + count;
                    }
                }
            }
        }

        var vocabulary = new List<string> { MessageFeaturizer.PaddingToken, MessageFeaturizer.UnknownToken };
        var seen = new HashSet<string>(vocabulary, StringComparer.Ordinal);
        foreach (var (ch, _) in Ordered(chars).Where(p => p.Value >= 2))
        {
            if (seen.Add(ch))
            {
                vocabulary.Add(ch);
            }

            if (seen.Add("##" + ch))
            {
                vocabulary.Add("##" + ch);
            }
        }

        foreach (var (suffix, _) in Ordered(suffixes).Where(p => p.Value >= 5).Take(maxSuffixes))
        {
            if (seen.Add("##" + suffix))
            {
                vocabulary.Add("##" + suffix);
            }
        }

        foreach (var (word, _) in Ordered(words).Where(p => p.Value >= minWordCount).Take(maxWords))
        {
            if (seen.Add(word))
            {
                vocabulary.Add(word);
            }
        }

        return vocabulary;
    }

    public static byte[] ToFileBytes(IEnumerable<string> vocabulary)
    {
        var builder = new StringBuilder();
        foreach (var token in vocabulary)
        {
            builder.Append(token).Append('\n');
        }

        return new UTF8Encoding(false).GetBytes(builder.ToString());
    }

    private static IEnumerable<KeyValuePair<string, int>> Ordered(Dictionary<string, int> counts) =>
        counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal);
}
