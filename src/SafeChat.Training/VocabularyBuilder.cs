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

    /// <summary>Most words a language other than English adds beyond <c>maxWords</c>.</summary>
    public const int MaxWordsPerLanguage = 6_000;

    /// <summary>How often a word of a smaller language must occur to get its own token.</summary>
    public const int LanguageMinWordCount = 2;

    /// <summary>
    /// Builds the vocabulary. <paramref name="languageTexts"/> (normalized text of each language other than English)
    /// guarantees those languages their words: the <see cref="MaxWordsPerLanguage"/> most frequent words seen at least
    /// <see cref="LanguageMinWordCount"/> times in that language are added after the main list, so a small language is not
    /// crowded out by English counts. <paramref name="requiredWords"/> (the negators and scope breaks the featurizer
    /// recognizes) always become whole-word tokens.
    /// </summary>
    public static List<string> Build(
        IEnumerable<string> normalizedTexts,
        int maxWords,
        int minWordCount,
        int maxSuffixes,
        IReadOnlyDictionary<string, List<string>>? languageTexts = null,
        IEnumerable<string>? requiredWords = null)
    {
        var words = CountWords(normalizedTexts);

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

        foreach (var (_, texts) in (languageTexts ?? new Dictionary<string, List<string>>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var (word, _) in Ordered(CountWords(texts)).Where(p => p.Value >= LanguageMinWordCount).Take(MaxWordsPerLanguage))
            {
                if (seen.Add(word))
                {
                    vocabulary.Add(word);
                }
            }
        }

        foreach (var word in requiredWords ?? [])
        {
            if (seen.Add(word))
            {
                vocabulary.Add(word);
            }
        }

        return vocabulary;
    }

    private static Dictionary<string, int> CountWords(IEnumerable<string> normalizedTexts)
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

        return words;
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
