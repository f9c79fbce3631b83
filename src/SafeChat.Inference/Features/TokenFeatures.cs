namespace SafeChat.Inference.Features;

/// <summary>
/// The word lists behind the version-2 token features of <see cref="MessageFeaturizer"/>: negators (a few words after
/// one are marked as negated, so "please do not pay" does not read as "pay") and scope breaks (punctuation and
/// contrastive conjunctions end a negation scope), in the five chat languages the models cover: English, Spanish,
/// German, Dutch and romanized Hindi-English. Words are in normalized form (lowercase, no accents, no apostrophes).
/// </summary>
internal static class TokenFeatures
{
    /// <summary>Feature version without negation or turn-length features (models trained before they existed).</summary>
    public const int PlainVersion = 1;

    /// <summary>Feature version with negation-scope unigrams and a turn-length feature for short messages.</summary>
    public const int NegationVersion = 2;

    /// <summary>The version new models are trained with.</summary>
    public const int CurrentVersion = NegationVersion;

    /// <summary>How many words after a negator are marked as negated (a scope ends earlier at a break).</summary>
    public const int NegationScopeWords = 3;

    /// <summary>Messages of at most this many tokens get a turn-length feature (one bucket per length).</summary>
    public const int ShortTurnTokens = 4;

    /// <summary>
    /// Chunk feature values are 1/sqrt(max(#features, this)), so a one-word turn cannot put its whole weight on one
    /// word ("9", "LETS GO") the way it did with 1/sqrt(#features).
    /// </summary>
    public const int MinFeatureNorm = 4;

    /// <summary>Negators (normalized); "no" is handled apart (see <see cref="NoExceptions"/>).</summary>
    public static IReadOnlyList<string> Negators { get; } =
    [
        // English (apostrophes are dropped by the normalizer: don't → dont)
        "not", "never", "dont", "doesnt", "didnt", "cant", "cannot", "wont", "wouldnt", "shouldnt", "couldnt", "isnt", "arent",
        "wasnt", "werent", "havent", "hasnt", "hadnt", "aint", "mustnt", "dnt", "nvr", "nor", "without",
        // Spanish
        "nunca", "jamas", "tampoco", "ni", "sin",
        // German
        "nicht", "nich", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals", "ohne",
        // Dutch
        "niet", "geen", "nooit", "zonder",
        // Hindi-English (romanized)
        "nahi", "nahin", "nhi", "nai", "mat", "kabhi",
    ];

    /// <summary>Words that end a negation scope besides punctuation.</summary>
    public static IReadOnlyList<string> ScopeBreaks { get; } =
    [
        "but", "though", "however", "pero", "sino", "aber", "sondern", "doch", "maar", "lekin", "magar", "par",
    ];

    /// <summary>
    /// "no" negates the word after it ("no pagues", "no pics", "no le digas") except before these words, where it is an
    /// answer or a fixed phrase ("no im 13", "no u", "no one", "no thanks", "no way", "no problem").
    /// </summary>
    public static IReadOnlyList<string> NoExceptions { get; } =
    [
        "im", "i", "u", "you", "one", "thanks", "thank", "way", "problem", "worries", "se", "soy", "tengo", "ich", "ik", "main",
    ];
}
