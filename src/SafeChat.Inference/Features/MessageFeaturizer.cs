using Microsoft.ML.Tokenizers;

namespace SafeChat.Inference.Features;

/// <summary>
/// Turns a message into the sparse inputs of the signals model, identically at training and at runtime:
/// normalized text → WordPiece token ids (vocabulary shipped with the model) → hashed unigrams and bigrams per chunk
/// of at most <see cref="ChunkTokens"/> tokens, each feature valued 1/sqrt(#features) so a chunk's score does not grow
/// with its length. Long messages become several overlapping chunks. Thread-safe.
/// </summary>
/// <remarks>
/// Feature version 2 (<see cref="TokenFeatures.NegationVersion"/>, recorded in the model card as
/// <see cref="ModelLayout.TokenFeaturesKey"/>; models without the key use version 1) adds two things: the unigrams of
/// the <see cref="TokenFeatures.NegationScopeWords"/> words after a negator (en/es/de/nl/hi-en, up to punctuation or
/// "but") go to their own negated buckets, so "please do not pay" no longer carries the weight of "pay" (bigrams stay
/// plain, so "dont tell" keeps its meaning); and a message of at most <see cref="TokenFeatures.ShortTurnTokens"/> tokens
/// gets one turn-length feature per length, with values 1/sqrt(max(#features, <see cref="TokenFeatures.MinFeatureNorm"/>)),
/// so a one-word turn ("9", "LETS GO") cannot put its whole weight on one word.
/// Feature version 3 (<see cref="TokenFeatures.AdviceVersion"/>) adds advice/hypothetical/reported-speech scopes: the
/// words after a trigger of <see cref="TokenFeatures.AdviceTriggers"/> ("if anyone", "nobody who", "never let anyone",
/// "he asked me", "si alguien", "wenn jemand", "als iemand", "agar koi") go to advice buckets (they take precedence
/// over negated buckets; bigrams stay plain), so advice ABOUT a signal can be learned apart from the signal.
/// </remarks>
internal sealed class MessageFeaturizer
{
    /// <summary>Feature slots per chunk (the L dimension of the ONNX inputs): 20 unigrams + 19 bigrams + 20 semantic token ids.</summary>
    public const int MaxFeaturesPerChunk = 60;

    /// <summary>Tokens per chunk.</summary>
    public const int ChunkTokens = 20;

    /// <summary>Token offset between consecutive chunks (chunks overlap by <see cref="ChunkTokens"/> − stride).</summary>
    public const int ChunkStride = 15;

    /// <summary>At most this many chunks are scored per message (about 12,000 tokens); the rest is ignored.</summary>
    public const int MaxChunksPerMessage = 800;

    /// <summary>
    /// A message of at least this many tokens is read as a pasted chat log: besides its chunks it is scored once as a
    /// whole document by the transcript head (see <see cref="WriteDocument"/>).
    /// </summary>
    public const int TranscriptMinTokens = 40;

    /// <summary>The vocabulary file name inside a model directory.</summary>
    public const string VocabularyFileName = "vocab.txt";

    /// <summary>The unknown-token string of the vocabulary.</summary>
    public const string UnknownToken = "[UNK]";

    /// <summary>The padding token (id 0).</summary>
    public const string PaddingToken = "[PAD]";

    private readonly WordPieceTokenizer _tokenizer;
    private readonly TokenKind[] _kinds;
    private readonly Dictionary<int, int[][]>? _adviceTriggers;

    private MessageFeaturizer(WordPieceTokenizer tokenizer, TokenKind[] kinds, int featureVersion, Dictionary<int, int[][]>? adviceTriggers)
    {
        _tokenizer = tokenizer;
        _kinds = kinds;
        _adviceTriggers = adviceTriggers;
        FeatureVersion = featureVersion;
        VocabularySize = kinds.Length;
    }

    private enum TokenKind : byte
    {
        Word = 0,
        Continuation,
        Punctuation,
        Number,
        Negator,
        No,
        NoException,
        ScopeBreak,
    }

    /// <summary>The token feature version (<see cref="TokenFeatures.PlainVersion"/>, <see cref="TokenFeatures.NegationVersion"/> or <see cref="TokenFeatures.AdviceVersion"/>).</summary>
    public int FeatureVersion { get; }

    /// <summary>The number of tokens in the vocabulary (ids are in [0, VocabularySize)).</summary>
    public int VocabularySize { get; }

    /// <summary>
    /// First feature id of the semantic token rows (see <see cref="SemanticFeatures"/>), or 0 when the model has none.
    /// </summary>
    public int SemanticOffset { get; private init; }

    /// <summary>This featurizer, also writing semantic token ids (model feature count = hash buckets + vocabulary size).</summary>
    public MessageFeaturizer WithSemanticFeatures() =>
        new(_tokenizer, _kinds, FeatureVersion, _adviceTriggers) { SemanticOffset = SemanticFeatures.Offset };

    /// <summary>Writes one chunk's features with this featurizer's semantic setting (see <see cref="WriteChunk(IReadOnlyList{int}, int, Span{long}, Span{float}, int)"/>).</summary>
    public int WriteChunk(IReadOnlyList<int> tokens, int chunkIndex, Span<long> ids, Span<float> values) =>
        WriteChunk(tokens, chunkIndex, ids, values, SemanticOffset);

    /// <summary>Creates a featurizer from a WordPiece vocabulary (one token per line, id = line number).</summary>
    /// <param name="vocabulary">The vocabulary file's content.</param>
    /// <param name="featureVersion">The token feature version the model was trained with (see the class remarks).</param>
    public static MessageFeaturizer Create(Stream vocabulary, int featureVersion = TokenFeatures.PlainVersion)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (featureVersion is < TokenFeatures.PlainVersion or > TokenFeatures.LatestVersion)
        {
            throw new ArgumentOutOfRangeException(nameof(featureVersion), featureVersion, $"token feature version must be {TokenFeatures.PlainVersion} to {TokenFeatures.LatestVersion}.");
        }

        var copy = new MemoryStream();
        vocabulary.CopyTo(copy);
        copy.Position = 0;
        var (kinds, wholeWords) = ReadKinds(copy);
        copy.Position = 0;
        var tokenizer = WordPieceTokenizer.Create(copy, new WordPieceOptions
        {
            PreTokenizer = PreTokenizer.CreateWordOrNonWord(),
            UnknownToken = UnknownToken,
            ContinuingSubwordPrefix = "##",
            MaxInputCharsPerWord = 64,
        });
        return new MessageFeaturizer(tokenizer, kinds, featureVersion,
            featureVersion >= TokenFeatures.AdviceVersion ? AdviceTriggerIds(wholeWords) : null);
    }

    /// <summary>The advice triggers as token-id sequences keyed by their first id; a trigger with a word the vocabulary lacks is dropped.</summary>
    private static Dictionary<int, int[][]> AdviceTriggerIds(Dictionary<string, int> wholeWords)
    {
        var byFirst = new Dictionary<int, List<int[]>>();
        foreach (var trigger in TokenFeatures.AdviceTriggers)
        {
            var words = trigger.Split(' ');
            var ids = new int[words.Length];
            bool known = true;
            for (int i = 0; i < words.Length && known; i++)
            {
                known = wholeWords.TryGetValue(words[i], out ids[i]);
            }

            if (known)
            {
                if (!byFirst.TryGetValue(ids[0], out var list))
                {
                    byFirst[ids[0]] = list = [];
                }

                list.Add(ids);
            }
        }

        // Longest trigger first, so "if ever someone" wins over a shorter one with the same start.
        return byFirst.ToDictionary(p => p.Key, p => p.Value.OrderByDescending(t => t.Length).ToArray());
    }

    /// <summary>The one normalization used for training and scoring.</summary>
    public static string Normalize(string? text) => TextNormalization.Normalize(text);

    /// <summary>
    /// Normalizes and tokenizes a message. The result holds plain vocabulary ids; with feature version 2 it is a
    /// <see cref="MessageTokens"/> that also knows the negation scopes.
    /// </summary>
    public IReadOnlyList<int> Tokenize(string? text)
    {
        var normalized = Normalize(text);
        if (normalized.Length == 0)
        {
            return MessageTokens.Empty;
        }

        var encoded = _tokenizer.EncodeToIds(normalized, considerPreTokenization: true, considerNormalization: false);
        var ids = encoded as int[] ?? [.. encoded];
        return FeatureVersion switch
        {
            TokenFeatures.PlainVersion => new MessageTokens(ids, null, turnLength: false),
            TokenFeatures.NegationVersion => new MessageTokens(ids, MarkNegation(ids), turnLength: true),
            _ => new MessageTokens(ids, MarkNegation(ids), turnLength: true, MarkAdvice(ids)),
        };
    }

    /// <summary>
    /// Marks the words in an advice/hypothetical scope (version 3): the <see cref="TokenFeatures.AdviceScopeWords"/>
    /// words after a trigger of <see cref="TokenFeatures.AdviceTriggers"/> (matched on whole words; the continuation
    /// pieces of a marked word too); punctuation and scope breaks end the scope; numbers and the trigger words themselves
    /// are never marked. Returns null when there is no scope.
    /// </summary>
    private bool[]? MarkAdvice(int[] ids)
    {
        if (_adviceTriggers is null || _adviceTriggers.Count == 0)
        {
            return null;
        }

        bool[]? advice = null;
        int remaining = 0;
        bool wordMarked = false;
        for (int i = 0; i < ids.Length; i++)
        {
            var kind = KindOf(ids[i]);
            if (kind == TokenKind.Continuation)
            {
                if (wordMarked)
                {
                    (advice ??= new bool[ids.Length])[i] = true;
                }

                continue;
            }

            wordMarked = false;
            if (kind is TokenKind.Punctuation or TokenKind.ScopeBreak)
            {
                remaining = 0;
                continue;
            }

            int triggerLength = MatchAdviceTrigger(ids, i);
            if (triggerLength > 0)
            {
                remaining = TokenFeatures.AdviceScopeWords;
                i += triggerLength - 1;
                continue;
            }

            if (remaining > 0 && kind != TokenKind.Number)
            {
                (advice ??= new bool[ids.Length])[i] = true;
                wordMarked = true;
                remaining--;
            }
        }

        return advice;
    }

    /// <summary>The token count of the advice trigger starting at <paramref name="start"/> (whole words only), or 0.</summary>
    private int MatchAdviceTrigger(int[] ids, int start)
    {
        if (!_adviceTriggers!.TryGetValue(ids[start], out var candidates))
        {
            return 0;
        }

        foreach (var trigger in candidates)
        {
            int end = start + trigger.Length;
            if (end > ids.Length || (end < ids.Length && KindOf(ids[end]) == TokenKind.Continuation))
            {
                continue;
            }

            bool match = true;
            for (int k = 1; k < trigger.Length && match; k++)
            {
                match = ids[start + k] == trigger[k];
            }

            if (match)
            {
                return trigger.Length;
            }
        }

        return 0;
    }

    /// <summary>
    /// Marks the words in a negation scope: the <see cref="TokenFeatures.NegationScopeWords"/> words after a negator (the
    /// continuation pieces of a marked word too); punctuation and "but"-like words end the scope; numbers are never
    /// marked (an age or a time is not negated). Returns null when nothing is negated.
    /// </summary>
    private bool[]? MarkNegation(int[] ids)
    {
        bool[]? negated = null;
        int remaining = 0;
        bool wordNegated = false;
        for (int i = 0; i < ids.Length; i++)
        {
            var kind = KindOf(ids[i]);
            if (kind == TokenKind.Continuation)
            {
                if (wordNegated)
                {
                    (negated ??= new bool[ids.Length])[i] = true;
                }

                continue;
            }

            wordNegated = false;
            if (kind is TokenKind.Punctuation or TokenKind.ScopeBreak)
            {
                remaining = 0;
                continue;
            }

            if (remaining > 0 && kind != TokenKind.Number)
            {
                (negated ??= new bool[ids.Length])[i] = true;
                wordNegated = true;
                remaining--;
            }

            if (kind == TokenKind.Negator || (kind == TokenKind.No && NextWordNegatable(ids, i)))
            {
                remaining = TokenFeatures.NegationScopeWords;
            }
        }

        return negated;
    }

    private bool NextWordNegatable(int[] ids, int index) =>
        index + 1 < ids.Length && KindOf(ids[index + 1]) is TokenKind.Word or TokenKind.Negator or TokenKind.No or TokenKind.ScopeBreak;

    private TokenKind KindOf(int id) => (uint)id < (uint)_kinds.Length ? _kinds[id] : TokenKind.Word;

    // Loops rather than LINQ over the characters: run for each of the ~30,000 vocabulary lines at start-up.
    private static bool AllAsciiDigits(string line)
    {
        foreach (char c in line)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyLetterOrDigit(string line)
    {
        foreach (char c in line)
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private static (TokenKind[] Kinds, Dictionary<string, int> WholeWords) ReadKinds(Stream vocabulary)
    {
        var wholeWords = new Dictionary<string, int>(StringComparer.Ordinal);
        var negators = new HashSet<string>(TokenFeatures.Negators, StringComparer.Ordinal);
        var breaks = new HashSet<string>(TokenFeatures.ScopeBreaks, StringComparer.Ordinal);
        var noExceptions = new HashSet<string>(TokenFeatures.NoExceptions, StringComparer.Ordinal);
        var kinds = new List<TokenKind>();
        using var reader = new StreamReader(vocabulary, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 4096, leaveOpen: true);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith("##", StringComparison.Ordinal))
            {
                wholeWords.TryAdd(line, kinds.Count);
            }

            kinds.Add(line switch
            {
                _ when line.StartsWith("##", StringComparison.Ordinal) => TokenKind.Continuation,
                "no" => TokenKind.No,
                _ when negators.Contains(line) => TokenKind.Negator,
                _ when breaks.Contains(line) => TokenKind.ScopeBreak,
                _ when noExceptions.Contains(line) => TokenKind.NoException,
                _ when line.Length > 0 && AllAsciiDigits(line) => TokenKind.Number,
                _ when line.Length > 0 && !AnyLetterOrDigit(line) => TokenKind.Punctuation,
                _ => TokenKind.Word,
            });
        }

        return ([.. kinds], wholeWords);
    }

    /// <summary>How many chunks a message of <paramref name="tokenCount"/> tokens is scored in (0 for an empty message).</summary>
    public static int ChunkCount(int tokenCount)
    {
        if (tokenCount <= 0)
        {
            return 0;
        }

        if (tokenCount <= ChunkTokens)
        {
            return 1;
        }

        int chunks = 1 + ((tokenCount - ChunkTokens + ChunkStride - 1) / ChunkStride);
        return Math.Min(chunks, MaxChunksPerMessage);
    }

    /// <summary>
    /// Writes the features of one chunk: bucket ids and values, padded with (0, 0) up to <see cref="MaxFeaturesPerChunk"/>.
    /// Returns the number of features written before padding. Duplicate buckets may occur; they add up in the model.
    /// With <paramref name="semanticOffset"/> &gt; 0 every token of the chunk also gets the id semanticOffset + token id,
    /// valued 1/#tokens (see <see cref="SemanticFeatures"/>); the hashed features keep their values.
    /// </summary>
    public static int WriteChunk(IReadOnlyList<int> tokens, int chunkIndex, Span<long> ids, Span<float> values, int semanticOffset = 0)
    {
        int start = chunkIndex * ChunkStride;
        int end = Math.Min(start + ChunkTokens, tokens.Count);
        int count = 0;
        var marked = tokens as MessageTokens;
        for (int i = start; i < end; i++)
        {
            ids[count++] = marked is null ? FeatureHashing.Unigram(tokens[i])
                : marked.IsAdvice(i) ? FeatureHashing.AdviceUnigram(tokens[i])
                : marked.IsNegated(i) ? FeatureHashing.NegatedUnigram(tokens[i])
                : FeatureHashing.Unigram(tokens[i]);
            if (i + 1 < end)
            {
                ids[count++] = FeatureHashing.Bigram(tokens[i], tokens[i + 1]);
            }
        }

        bool version2 = marked is { TurnLength: true };
        if (version2 && chunkIndex == 0 && tokens.Count is > 0 and <= TokenFeatures.ShortTurnTokens)
        {
            ids[count++] = FeatureHashing.TurnLength(tokens.Count);
        }

        float value = count == 0 ? 0f : 1f / MathF.Sqrt(version2 ? Math.Max(count, TokenFeatures.MinFeatureNorm) : count);
        values[..count].Fill(value);
        if (semanticOffset > 0)
        {
            count += SemanticFeatures.Write(tokens, start, end, semanticOffset, ids[count..], values[count..]);
        }

        ids[count..MaxFeaturesPerChunk].Clear();
        values[count..MaxFeaturesPerChunk].Clear();
        return count;
    }

    /// <summary>
    /// Writes the document features of a whole message (the transcript head's input): the distinct hashed unigrams and
    /// bigrams of its first <see cref="MaxChunksPerMessage"/> × <see cref="ChunkStride"/> tokens, sorted, each valued
    /// 1/sqrt(#distinct features). Returns the number of features.
    /// </summary>
    public static int WriteDocument(IReadOnlyList<int> tokens, List<long> ids, List<float> values)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(values);
        ids.Clear();
        values.Clear();
        int end = Math.Min(tokens.Count, MaxChunksPerMessage * ChunkStride);
        var distinct = new HashSet<long>();
        for (int i = 0; i < end; i++)
        {
            distinct.Add(FeatureHashing.Unigram(tokens[i]));
            if (i + 1 < end)
            {
                distinct.Add(FeatureHashing.Bigram(tokens[i], tokens[i + 1]));
            }
        }

        ids.AddRange(distinct);
        ids.Sort();
        float value = ids.Count == 0 ? 0f : 1f / MathF.Sqrt(ids.Count);
        for (int i = 0; i < ids.Count; i++)
        {
            values.Add(value);
        }

        return ids.Count;
    }
}
