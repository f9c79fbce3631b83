using Microsoft.ML.Tokenizers;

namespace SafeChat.Inference.Features;

/// <summary>
/// Turns a message into the sparse inputs of the signals model, identically at training and at runtime:
/// normalized text → WordPiece token ids (vocabulary shipped with the model) → hashed unigrams and bigrams per chunk
/// of at most <see cref="ChunkTokens"/> tokens, each feature valued 1/sqrt(#features) so a chunk's score does not grow
/// with its length. Long messages become several overlapping chunks. Thread-safe.
/// </summary>
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

    private MessageFeaturizer(WordPieceTokenizer tokenizer, int vocabularySize)
    {
        _tokenizer = tokenizer;
        VocabularySize = vocabularySize;
    }

    /// <summary>The number of tokens in the vocabulary (ids are in [0, VocabularySize)).</summary>
    public int VocabularySize { get; }

    /// <summary>
    /// First feature id of the semantic token rows (see <see cref="SemanticFeatures"/>), or 0 when the model has none.
    /// </summary>
    public int SemanticOffset { get; private init; }

    /// <summary>This featurizer, also writing semantic token ids (model feature count = hash buckets + vocabulary size).</summary>
    public MessageFeaturizer WithSemanticFeatures() =>
        new(_tokenizer, VocabularySize) { SemanticOffset = SemanticFeatures.Offset };

    /// <summary>Writes one chunk's features with this featurizer's semantic setting (see <see cref="WriteChunk(IReadOnlyList{int}, int, Span{long}, Span{float}, int)"/>).</summary>
    public int WriteChunk(IReadOnlyList<int> tokens, int chunkIndex, Span<long> ids, Span<float> values) =>
        WriteChunk(tokens, chunkIndex, ids, values, SemanticOffset);

    /// <summary>Creates a featurizer from a WordPiece vocabulary (one token per line, id = line number).</summary>
    public static MessageFeaturizer Create(Stream vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var buffer = new MemoryStream();
        vocabulary.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        int lines = bytes.Length > 0 && bytes[^1] != (byte)'\n' ? 1 : 0;
        foreach (var b in bytes)
        {
            lines += b == (byte)'\n' ? 1 : 0;
        }

        buffer.Position = 0;
        vocabulary = buffer;
        var tokenizer = WordPieceTokenizer.Create(vocabulary, new WordPieceOptions
        {
            PreTokenizer = PreTokenizer.CreateWordOrNonWord(),
            UnknownToken = UnknownToken,
            ContinuingSubwordPrefix = "##",
            MaxInputCharsPerWord = 64,
        });
        return new MessageFeaturizer(tokenizer, lines);
    }

    /// <summary>The one normalization used for training and scoring.</summary>
    public static string Normalize(string? text) => TextNormalization.Normalize(text);

    /// <summary>Normalizes and tokenizes a message.</summary>
    public IReadOnlyList<int> Tokenize(string? text)
    {
        var normalized = Normalize(text);
        return normalized.Length == 0 ? [] : _tokenizer.EncodeToIds(normalized, considerPreTokenization: true, considerNormalization: false);
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
        for (int i = start; i < end; i++)
        {
            ids[count++] = FeatureHashing.Unigram(tokens[i]);
            if (i + 1 < end)
            {
                ids[count++] = FeatureHashing.Bigram(tokens[i], tokens[i + 1]);
            }
        }

        float value = count == 0 ? 0f : 1f / MathF.Sqrt(count);
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
