using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.State;

/// <summary>
/// The compact, text-free form an idle conversation keeps for its dormancy: for each window message its index, a salted
/// hash of its author id, the author's age band and assurance, and its signals quantized to one byte each (chunks of a
/// long message too, at most <see cref="MaxChunks"/>); plus the next index and the first-alert latch. No message text,
/// no message ids, no author ids. Immutable.
/// </summary>
internal sealed class DormantConversation
{
    /// <summary>The most chunks kept per message (the most salient ones, in order).</summary>
    public const int MaxChunks = 8;

    private const float Scale = 255f;

    private readonly int[] _indexes;
    private readonly long[] _authors;
    private readonly byte[] _ages;
    private readonly byte[][] _signals;
    private readonly byte[][]?[] _chunks;

    private DormantConversation(int[] indexes, long[] authors, byte[] ages, byte[][] signals, byte[][]?[] chunks)
    {
        _indexes = indexes;
        _authors = authors;
        _ages = ages;
        _signals = signals;
        _chunks = chunks;
    }

    /// <summary>How many of the messages, oldest first, were salient older messages (the rest were the recent ones).</summary>
    public int SalientCount { get; private init; }

    /// <summary>The index the next message gets.</summary>
    public int NextIndex { get; private init; }

    /// <summary>The conversation's first alert, if it raised one.</summary>
    public int? FirstAlertIndex { get; private init; }

    /// <summary>The time of the conversation's last message (UTC ticks).</summary>
    public long LastAtTicks { get; private init; }

    /// <summary>How many messages are kept.</summary>
    public int Count => _indexes.Length;

    /// <summary>About how many bytes the kept state takes (arrays' payload, without object headers).</summary>
    public int ApproximateBytes
    {
        get
        {
            var bytes = _indexes.Length * (sizeof(int) + sizeof(long) + 1);
            foreach (var signals in _signals)
            {
                bytes += signals.Length;
            }

            foreach (var chunks in _chunks)
            {
                if (chunks is not null)
                {
                    foreach (var chunk in chunks)
                    {
                        bytes += chunk.Length;
                    }
                }
            }

            return bytes;
        }
    }

    /// <summary>The salted hash of an author id (FNV-1a over the UTF-16 code units, seeded with the store's salt).</summary>
    public static long AuthorHash(string authorId, long salt) => StableIdHash.Of(authorId, salt);

    /// <summary>The author id a rehydrated message carries until its author writes again.</summary>
    public static string Placeholder(int ordinal) => "#dormant:" + ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Compacts a window (salient older messages first, then the recent ones).</summary>
    public static DormantConversation From(IReadOnlyList<WindowMessage> window, int salientCount, int nextIndex, int? firstAlertIndex, long lastAtTicks, long salt)
    {
        var count = window.Count;
        var indexes = new int[count];
        var authors = new long[count];
        var ages = new byte[count];
        var signals = new byte[count][];
        byte[][]?[] chunks = new byte[count][][];
        for (var i = 0; i < count; i++)
        {
            var message = window[i];
            indexes[i] = message.Index;
            authors[i] = AuthorHash(message.AuthorId, salt);
            ages[i] = (byte)(((int)message.AuthorAge & 0xF) | ((int)message.AuthorAssurance << 4));
            signals[i] = Quantize(message.Signals);
            if (message.Signals.Chunks.Count > 0)
            {
                var kept = message.Signals.Chunks
                    .Select((chunk, at) => (chunk, at))
                    .OrderByDescending(c => c.chunk.Salience)
                    .ThenBy(c => c.at)
                    .Take(MaxChunks)
                    .OrderBy(c => c.at)
                    .Select(c => Quantize(c.chunk))
                    .ToArray();
                chunks[i] = kept;
            }
        }

        return new DormantConversation(indexes, authors, ages, signals, chunks)
        {
            SalientCount = Math.Min(salientCount, count),
            NextIndex = nextIndex,
            FirstAlertIndex = firstAlertIndex,
            LastAtTicks = lastAtTicks,
        };
    }

    /// <summary>The kept messages, oldest first, with placeholder author ids (see <see cref="Placeholder"/>).</summary>
    public WindowMessage[] Rehydrate()
    {
        var placeholders = AuthorPlaceholders();
        var window = new WindowMessage[_indexes.Length];
        for (var i = 0; i < window.Length; i++)
        {
            var chunks = _chunks[i] is { } quantized ? quantized.Select(Dequantize).ToArray() : null;
            var signals = Dequantize(_signals[i], chunks);
            window[i] = new WindowMessage(_indexes[i], placeholders[_authors[i]], (AgeBand)(_ages[i] & 0xF), signals, (AgeAssurance)(_ages[i] >> 4));
        }

        return window;
    }

    /// <summary>
    /// The placeholder id of each distinct author hash of the kept messages: <c>#dormant:1</c>, <c>#dormant:2</c>, … in order of first
    /// appearance, so a replay gives the same output in every process (the hashes are salted per process).
    /// </summary>
    public Dictionary<long, string> AuthorPlaceholders()
    {
        var placeholders = new Dictionary<long, string>();
        foreach (var hash in _authors)
        {
            if (!placeholders.ContainsKey(hash))
            {
                placeholders[hash] = Placeholder(placeholders.Count + 1);
            }
        }

        return placeholders;
    }

    // The signal count (two bytes), then signals, harms, the minor cue, the transcript score and the semantic stage's two
    // scores, one byte each.
    private static byte[] Quantize(MessageSignals signals)
    {
        var probabilities = signals.Probabilities;
        var harms = signals.HarmProbabilities;
        var bytes = new byte[probabilities.Length + harms.Length + 6];
        bytes[0] = (byte)(probabilities.Length & 0xFF);
        bytes[1] = (byte)(probabilities.Length >> 8);
        var at = 2;
        foreach (var p in probabilities)
        {
            bytes[at++] = ToByte(p);
        }

        foreach (var p in harms)
        {
            bytes[at++] = ToByte(p);
        }

        bytes[at++] = ToByte(signals.MinorCue);
        bytes[at++] = ToByte(signals.TranscriptGrooming);
        bytes[at++] = ToByte(signals.SemanticAuthor);
        bytes[at] = ToByte(signals.SemanticContext);
        return bytes;
    }

    private static MessageSignals Dequantize(byte[] bytes) => Dequantize(bytes, null);

    private static MessageSignals Dequantize(byte[] bytes, IReadOnlyList<MessageSignals>? chunks)
    {
        var signalCount = bytes[0] | (bytes[1] << 8);
        var harmCount = bytes.Length - signalCount - 6;
        var probabilities = new float[signalCount];
        var harms = new float[harmCount];
        for (var i = 0; i < signalCount; i++)
        {
            probabilities[i] = bytes[2 + i] / Scale;
        }

        for (var i = 0; i < harmCount; i++)
        {
            harms[i] = bytes[2 + signalCount + i] / Scale;
        }

        return new MessageSignals(
            probabilities, harms, bytes[^4] / Scale, bytes[^3] / Scale, chunks, bytes[^2] / Scale, bytes[^1] / Scale);
    }

    private static byte ToByte(float p) =>
        float.IsNaN(p) ? (byte)0 : (byte)Math.Round(Math.Min(1f, Math.Max(0f, p)) * Scale);
}
