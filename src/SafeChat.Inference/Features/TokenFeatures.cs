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

    /// <summary>
    /// Feature version 2 plus advice/hypothetical scopes: the words after a trigger such as "if anyone", "nobody who",
    /// "never let anyone", "he asked me" (see <see cref="AdviceTriggers"/>) get their own unigram buckets.
    /// </summary>
    public const int AdviceVersion = 3;

    /// <summary>The version new models are trained with.</summary>
    public const int CurrentVersion = AdviceVersion;

    /// <summary>The highest version this build can read.</summary>
    public const int LatestVersion = AdviceVersion;

    /// <summary>How many words after an advice trigger are marked (a scope ends earlier at punctuation or a break).</summary>
    public const int AdviceScopeWords = 10;

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

    /// <summary>
    /// Triggers of an advice, hypothetical or reported-speech scope (version 3), normalized and space-separated; every
    /// word of a trigger must be a whole vocabulary token. The trigger words keep their plain features; the words after
    /// it (up to <see cref="AdviceScopeWords"/>, punctuation or a scope break) go to advice buckets, so a parent's "if
    /// anyone ever asks you for pictures" does not carry the weight of a request for pictures. Phrases an offender uses
    /// for secrecy ("nobody will know", "no one has to know", "niemand darf", "nadie tiene que", "koi bhi") are
    /// deliberately absent, and so is a bare "if you"/"what would you do if" (offenders ask hypotheticals of the child).
    /// </summary>
    public static IReadOnlyList<string> AdviceTriggers { get; } =
    [
        // English: conditionals about a third party
        "if anyone", "if anybody", "if someone", "if somebody", "if a stranger", "if strangers", "if any stranger", "if a person",
        "if people", "if an adult", "if a grownup", "if a guy", "if a man", "if a random", "if ever someone", "if ever anyone",
        "when someone", "when anyone", "when somebody", "when a stranger", "in case someone", "in case anyone", "whoever",
        // English: generic statements about people
        "anyone who", "anybody who", "someone who", "somebody who", "nobody who", "no one who", "noone who", "people who",
        "strangers who", "a stranger who", "anyone that", "someone that", "nobody that", "people that", "nobody should",
        "no one should", "noone should", "nobody is allowed", "no one is allowed", "nobody gets to", "no one gets to",
        "nobody has the right", "no one has the right",
        // English: rules and warnings
        "never let anyone", "never let anybody", "never let someone", "never let strangers", "dont let anyone", "dont let anybody",
        "dont let someone", "dont let strangers", "do not let anyone", "dont ever send", "dont ever share", "dont ever give",
        "dont ever meet", "dont ever add", "dont ever accept", "never ever send", "never ever share", "never ever meet",
        "do not ever send", "do not ever share", "only play with", "only talk to", "only chat with",
        // English: reported speech (a child or a victim telling what someone else said)
        "he asked me", "she asked me", "they asked me", "someone asked me", "somebody asked me", "a guy asked me",
        "this guy asked me", "he told me to", "she told me to", "they told me to", "he wanted me to", "she wanted me to",
        "he wants me to", "she wants me to", "they want me to", "he keeps asking", "she keeps asking", "he kept asking",
        "someone keeps asking", "he asked for", "she asked for", "he said he", "she said she", "he said if", "he said to",
        "he says he", "he threatened", "they threatened", "he is threatening", "hes threatening",
        // Spanish
        "si alguien", "si algun", "si alguna persona", "si un desconocido", "si una desconocida", "si un extrano", "si un adulto",
        "si una persona", "si alguna vez alguien", "cuando alguien", "alguien que", "nadie que", "cualquiera que",
        "cualquier persona que", "nunca dejes que", "no dejes que", "no dejes a nadie", "jamas dejes", "nunca envies",
        "nunca mandes", "me pidio", "me dijo que", "me pide que", "me pregunto", "me amenazo", "me esta amenazando",
        // German
        "wenn jemand", "wenn dich jemand", "wenn dir jemand", "falls jemand", "falls dich jemand", "falls dir jemand",
        "wenn ein fremder", "wenn fremde", "wenn irgendwer", "wenn irgendjemand", "jemand der", "jemand die", "niemand der",
        "niemand sollte", "keiner der", "wer dich", "lass niemanden", "lass nie", "hat mich gefragt", "hat mich gebeten",
        "er wollte dass", "sie wollte dass", "er hat gesagt", "er sagte", "er will dass", "er fragt mich", "er droht",
        "er hat gedroht",
        // Dutch
        "als iemand", "als er iemand", "als een vreemde", "als een onbekende", "als vreemden", "iemand die", "niemand die",
        "laat niemand", "laat nooit", "hij vroeg", "zij vroeg", "ze vroeg", "hij wilde dat", "hij zei dat", "ze zei dat",
        "hij vraagt", "vroeg me", "hij dreigt", "hij dreigde",
        // Hindi-English (romanized)
        "agar koi", "agar kisi", "agar kabhi koi", "jab koi", "jo bhi", "kisi ko bhi mat", "usne bola", "usne kaha", "usne mujhe",
        "usne mere se", "woh bol raha", "wo bol raha", "woh keh raha", "wo keh raha", "woh dhamki", "wo dhamki",
    ];

    /// <summary>The distinct words of <see cref="AdviceTriggers"/> (the vocabulary keeps them whole).</summary>
    public static IEnumerable<string> AdviceTriggerWords =>
        AdviceTriggers.SelectMany(t => t.Split(' ')).Distinct(StringComparer.Ordinal);
}
