using SafeChat.Inference.Caching;
using SafeChat.Inference.Text;

namespace SafeChat.Cli;

/// <summary>
/// A small stop-word identifier for the five chat languages the models cover (<c>en</c>, <c>es</c>, <c>de</c>, <c>nl</c>,
/// <c>hi-en</c> = romanized Hindi-English), for reporting only: it routes nothing and changes no score. Words are
/// counted on the normalized text (accents folded); a word shared by several languages counts for each of them
/// divided by how many share it. Romanized Hindi words count double, because Hinglish chat mixes in many English words.
/// Returns <c>und</c> when fewer than two function words were seen. Costs one normalization pass per message (no model
/// file, nothing on the device budget).
/// </summary>
internal static class LanguageGuess
{
    /// <summary>The code reported when the text has too few function words to tell.</summary>
    public const string Undetermined = "und";

    private static readonly (string Code, double Boost, string[] Words)[] Profiles =
    [
        ("en", 1.0, ["the", "and", "you", "to", "is", "it", "that", "what", "are", "do", "your", "ur", "my", "im", "i", "have",
            "with", "for", "this", "can", "how", "just", "like", "dont", "was", "know", "want", "be", "so", "but", "of", "in",
            "on", "not", "u", "r", "yeah", "lol", "if", "would", "will", "they", "we", "me", "its", "about", "get", "got"]),
        ("es", 1.0, ["que", "de", "el", "la", "y", "en", "los", "las", "un", "una", "es", "por", "para", "con", "no", "te",
            "mi", "tu", "yo", "me", "lo", "se", "pero", "como", "mas", "muy", "bien", "tienes", "eres", "quieres", "estas",
            "esta", "hola", "porque", "q", "xq", "donde", "cuando", "nada", "algo", "soy", "tengo", "puedes", "si", "del"]),
        ("de", 1.0, ["und", "ich", "du", "der", "die", "das", "ist", "nicht", "ein", "eine", "zu", "mit", "mir", "dich", "dir",
            "bist", "hast", "was", "wie", "auch", "aber", "wir", "es", "sie", "mal", "noch", "schon", "ja", "nein", "kannst",
            "willst", "bin", "habe", "hab", "mein", "dein", "wenn", "oder", "gerne", "jetzt", "auf", "bei", "doch", "nur"]),
        ("nl", 1.0, ["de", "het", "een", "en", "ik", "je", "jij", "niet", "is", "van", "dat", "wat", "met", "voor", "op", "ben",
            "heb", "hoe", "maar", "ook", "wel", "nog", "mij", "me", "jou", "jouw", "mijn", "kan", "wil", "zijn", "naar", "dan",
            "als", "geen", "hoi", "doe", "echt", "gewoon", "even", "leuk", "nee", "hebt", "bent", "waar", "zo"]),
        ("hi-en", 2.0, ["hai", "hain", "kya", "nahi", "nahin", "nhi", "main", "mein", "tum", "tu", "tera", "teri", "mera", "meri",
            "ko", "ka", "ki", "ke", "se", "bhi", "aur", "kar", "karo", "kuch", "yaar", "ho", "hoon", "hu", "kaise", "kyun", "kab",
            "abhi", "accha", "acha", "bhai", "baat", "toh", "tujhe", "mujhe", "dekh", "bol", "mat", "tumhe", "apna", "wala"]),
    ];

    private static readonly Dictionary<string, (int Language, double Weight)[]> Index = BuildIndex();

    private static readonly Dictionary<string, (int Language, double Weight)[]>.AlternateLookup<ReadOnlySpan<char>> WordIndex =
        Index.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The codes this identifier can return, besides <see cref="Undetermined"/>.</summary>
    public static IReadOnlyList<string> Codes { get; } = [.. Profiles.Select(p => p.Code)];

    /// <summary>Guesses the language of a conversation from (at most the first 200 of) its messages.</summary>
    public static string Identify(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var batch = t_texts ??= [];
        batch.Clear();
        foreach (var text in texts.Take(MaxTexts))
        {
            batch.Add(text);
        }

        return IdentifyBatch(batch);
    }

    /// <summary><see cref="Identify(IEnumerable{string})"/> of the messages' texts, without an iterator per conversation.</summary>
    public static string Identify(IReadOnlyList<InputMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var batch = t_texts ??= [];
        batch.Clear();
        for (var i = 0; i < messages.Count && i < MaxTexts; i++)
        {
            batch.Add(messages[i].Text);
        }

        return IdentifyBatch(batch);
    }

    private const int MaxTexts = 200;

    private static string IdentifyBatch(List<string> batch)
    {
        Span<double> scores = stackalloc double[Profiles.Length];
        double seen = 0;

        // The texts' cache keys first, their table slots warmed so the lookups' memory waits overlap.
        var keys = t_keys ??= [];
        keys.Clear();
        foreach (var text in batch)
        {
            keys.Add(HitCache.KeyOf(text));
        }

        HitCache.Warm(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keys));

        for (var i = 0; i < batch.Count; i++)
        {
            var text = batch[i];
            var key = keys[i];

            // The function words of a text, in order, come from the cache when the text was seen before (no
            // normalization pass); they are added in the same order either way, so the sums are the same.
            if (!HitCache.TryGet(key, out var textHits))
            {
                textHits = HitsOf(text);
                HitCache.Add(key, textHits);
            }

            foreach (var hits in textHits)
            {
                seen++;
                foreach (var (language, weight) in hits)
                {
                    scores[language] += weight;
                }
            }
        }

        batch.Clear();
        if (seen < 2)
        {
            return Undetermined;
        }

        int best = 0;
        for (int i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return scores[best] > 0 ? Profiles[best].Code : Undetermined;
    }

    // Per thread, reused by Identify: the texts of one call and their cache keys.
    [ThreadStatic]
    private static List<string>? t_texts;

    [ThreadStatic]
    private static List<TextKey>? t_keys;

    // Per distinct text (by keyed hash, no text kept): the index entries of its function words in order.
    private static readonly TextOutputCache<(int Language, double Weight)[][]> HitCache = new(65_536);

    private static (int Language, double Weight)[][] HitsOf(string text)
    {
        List<(int Language, double Weight)[]>? found = null;
        // The normalized text's space-separated words in order, looked up as spans (no string per word).
        var normalized = TextNormalizer.Normalize(text).AsSpan();
        foreach (var range in normalized.Split(' '))
        {
            var word = normalized[range];
            if (word.Length > 0 && WordIndex.TryGetValue(word, out var hits))
            {
                (found ??= []).Add(hits);
            }
        }

        return found is null ? [] : [.. found];
    }

    private static Dictionary<string, (int Language, double Weight)[]> BuildIndex()
    {
        var owners = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < Profiles.Length; i++)
        {
            foreach (var word in Profiles[i].Words.Distinct(StringComparer.Ordinal))
            {
                if (!owners.TryGetValue(word, out var list))
                {
                    owners[word] = list = [];
                }

                list.Add(i);
            }
        }

        return owners.ToDictionary(
            p => p.Key,
            p => p.Value.Select(i => (i, Profiles[i].Boost / p.Value.Count)).ToArray(),
            StringComparer.Ordinal);
    }
}
