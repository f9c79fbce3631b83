using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.State;

/// <summary>
/// Window entries of one conversation stored compactly, with no object per entry: parallel arrays of message index,
/// author slot (into the conversation's author table), age band and assurance, and one <see cref="ushort"/> array holding
/// every entry's quantized signals, harms, minor cue, transcript score and semantic scores (<see cref="Stride"/> values per entry, each a
/// probability in [0,1] times <see cref="Scale"/>, so within 1/131,070 of the scorer's float). A message scored in chunks
/// keeps its chunks quantized the same way in a side array. Generic over the number of signals and harms: the layout is
/// fixed by the first message of the conversation. Positions are plain array slots; the owner keeps the ring or list order.
/// </summary>
internal sealed class QuantizedWindowEntries
{
    /// <summary>The quantization scale: a probability p is kept as round(p × 65,535).</summary>
    public const float Scale = 65535f;

    private int[] _indexes = [];
    private ushort[] _authors = [];
    private byte[] _ages = [];
    private ushort[] _values = [];
    private ushort[]?[]? _chunks;

    // While the owner is active (see EnableDecoded): each position's message signals as last rebuilt, so the next window
    // rebuild reuses them instead of decoding every entry again. A pure function of the quantized values (MessageSignals
    // is immutable), so a reused object is exactly what decoding again would give. Null while idle (kept compact).
    private MessageSignals?[]? _decoded;

    /// <summary>Creates an empty store for messages with the given numbers of signals and harms.</summary>
    public QuantizedWindowEntries(int signalCount, int harmCount)
    {
        SignalCount = signalCount;
        HarmCount = harmCount;
        Stride = signalCount + harmCount + 4;
    }

    /// <summary>The signals per message.</summary>
    public int SignalCount { get; }

    /// <summary>The harms per message.</summary>
    public int HarmCount { get; }

    /// <summary>The quantized values per message: signals, harms, minor cue, transcript score.</summary>
    public int Stride { get; }

    /// <summary>How many positions the arrays hold.</summary>
    public int Capacity => _indexes.Length;

    /// <summary>About how many bytes the arrays' payload takes (without object headers).</summary>
    public int ApproximateBytes
    {
        get
        {
            var bytes = (_indexes.Length * (sizeof(int) + sizeof(ushort) + 1)) + (_values.Length * sizeof(ushort));
            if (_chunks is not null)
            {
                bytes += _chunks.Length * IntPtr.Size;
                foreach (var chunk in _chunks)
                {
                    bytes += (chunk?.Length ?? 0) * sizeof(ushort);
                }
            }

            return bytes;
        }
    }

    /// <summary>Whether a message's signals fit this layout.</summary>
    public bool Fits(MessageSignals signals)
    {
        if (signals.Probabilities.Length != SignalCount || signals.HarmProbabilities.Length != HarmCount)
        {
            return false;
        }

        for (var c = 0; c < signals.Chunks.Count; c++)
        {
            if (signals.Chunks[c].Probabilities.Length != SignalCount || signals.Chunks[c].HarmProbabilities.Length != HarmCount)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Quantizes one probability (NaN and values outside [0,1] are clamped, NaN to 0).</summary>
    public static ushort Quantize(float p) =>
        float.IsNaN(p) ? (ushort)0 : (ushort)Math.Round(Math.Min(1f, Math.Max(0f, p)) * (double)Scale, MidpointRounding.AwayFromZero);

    /// <summary>The probability a quantized value stands for.</summary>
    public static float Dequantize(ushort q) => q / Scale;

    /// <summary>Grows or shrinks the arrays to <paramref name="capacity"/>, keeping positions below it.</summary>
    public void Resize(int capacity)
    {
        Array.Resize(ref _indexes, capacity);
        Array.Resize(ref _authors, capacity);
        Array.Resize(ref _ages, capacity);
        Array.Resize(ref _values, capacity * Stride);
        if (_chunks is not null)
        {
            Array.Resize(ref _chunks, capacity);
        }

        if (_decoded is not null)
        {
            Array.Resize(ref _decoded, capacity);
        }
    }

    /// <summary>
    /// Forgets every entry's contents for reuse by another conversation (the capacity stays): the rebuilt signals and
    /// the shared chunk references are cleared, so nothing of the old entries is kept alive or read again (a position
    /// is always written before it is read).
    /// </summary>
    public void Clear()
    {
        if (_decoded is not null)
        {
            Array.Clear(_decoded, 0, _decoded.Length);
        }

        if (_chunks is not null)
        {
            Array.Clear(_chunks, 0, _chunks.Length);
        }
    }

    /// <summary>Whether rebuilt signals are kept for reuse (see <see cref="EnableDecoded"/>).</summary>
    public bool KeepsDecoded => _decoded is not null;

    /// <summary>
    /// Keeps each entry's rebuilt <see cref="MessageSignals"/> from now on, so <see cref="Read(int, string[])"/> decodes an entry once
    /// rather than at every call, until <see cref="DropDecoded"/>. For an active conversation only: it costs memory.
    /// </summary>
    public void EnableDecoded() => _decoded ??= new MessageSignals?[_indexes.Length];

    /// <summary>Forgets the rebuilt signals kept by <see cref="EnableDecoded"/> (back to the compact form alone).</summary>
    public void DropDecoded() => _decoded = null;

    /// <summary>Stores a message at a position.</summary>
    public void Set(int at, int index, int authorSlot, AgeBand age, AgeAssurance assurance, MessageSignals signals)
    {
        _indexes[at] = index;
        _authors[at] = checked((ushort)authorSlot);
        _ages[at] = (byte)(((int)age & 0xF) | ((int)assurance << 4));
        if (PackedOf(signals) is { } packed)
        {
            // The same quantized values Write would give, made once per signals object; while rebuilt signals are kept,
            // this entry's are the ones decoding those values gives (made once too).
            packed.Values.AsSpan().CopyTo(_values.AsSpan(at * Stride, Stride));
            if (_decoded is not null)
            {
                _decoded[at] = packed.Decoded ??= Rebuild(packed);
            }

            if (packed.Chunks is not null)
            {
                _chunks ??= new ushort[]?[_indexes.Length];
                _chunks[at] = packed.Chunks;
            }
            else if (_chunks is not null)
            {
                _chunks[at] = null;
            }

            return;
        }

        Write(signals, _values.AsSpan(at * Stride, Stride));
        if (_decoded is not null)
        {
            _decoded[at] = null;
        }

        if (signals.Chunks.Count > 0)
        {
            _chunks ??= new ushort[]?[_indexes.Length];
            var chunks = new ushort[signals.Chunks.Count * Stride];
            for (var c = 0; c < signals.Chunks.Count; c++)
            {
                Write(signals.Chunks[c], chunks.AsSpan(c * Stride, Stride));
            }

            _chunks[at] = chunks;
        }
        else if (_chunks is not null)
        {
            _chunks[at] = null;
        }
    }

    /// <summary>Copies the entry at <paramref name="from"/> of <paramref name="source"/> (same layout) to <paramref name="to"/>.</summary>
    public void CopyFrom(QuantizedWindowEntries source, int from, int to)
    {
        _indexes[to] = source._indexes[from];
        _authors[to] = source._authors[from];
        _ages[to] = source._ages[from];
        Array.Copy(source._values, from * Stride, _values, to * Stride, Stride);
        if (_decoded is not null)
        {
            // Same quantized values, so the same rebuilt signals (or none kept yet).
            _decoded[to] = source._decoded?[from];
        }

        var chunks = source._chunks?[from];
        if (chunks is not null)
        {
            _chunks ??= new ushort[]?[_indexes.Length];
        }

        if (_chunks is not null)
        {
            _chunks[to] = chunks;
        }
    }

    /// <summary>The author slot of the entry at a position.</summary>
    public int AuthorSlot(int at) => _authors[at];

    /// <summary>Points the entry at a position to another author slot.</summary>
    public void SetAuthorSlot(int at, int authorSlot) => _authors[at] = checked((ushort)authorSlot);

    /// <summary>The highest signal probability of the entry at a position (its salience), as stored.</summary>
    public float Salience(int at) => Dequantize(QuantizedSalience(at));

    /// <summary>
    /// The salience in quantized steps. Compare it with <see cref="Quantize"/> of a threshold, so that a probability equal
    /// to the threshold stays at it (a message at exactly the salient threshold is kept, as with floats).
    /// </summary>
    public ushort QuantizedSalience(int at)
    {
        ushort max = 0;
        foreach (var q in _values.AsSpan(at * Stride, SignalCount))
        {
            max = Math.Max(max, q);
        }

        return max;
    }

    /// <summary>Rebuilds the window message at a position, with its author id from <paramref name="authors"/>.</summary>
    public WindowMessage Read(int at, string[] authors)
    {
        var age = _ages[at];
        var decoded = _decoded;
        var signals = decoded?[at] ?? Decode(at);
        if (decoded is not null)
        {
            decoded[at] = signals;
        }

        return new WindowMessage(_indexes[at], authors[_authors[at]], (AgeBand)(age & 0xF), signals, (AgeAssurance)(age >> 4));
    }

    private MessageSignals Decode(int at)
    {
        IReadOnlyList<MessageSignals>? chunks = null;
        if (_chunks?[at] is { } quantized)
        {
            var list = new MessageSignals[quantized.Length / Stride];
            for (var c = 0; c < list.Length; c++)
            {
                list[c] = Read(quantized.AsSpan(c * Stride, Stride), null);
            }

            chunks = list;
        }

        return Read(_values.AsSpan(at * Stride, Stride), chunks);
    }

    // The compact form of a message's signals in this layout (cached on the signals object), or null when they do not
    // fit it (the caller then writes them as before).
    private Packed? PackedOf(MessageSignals signals)
    {
        if (signals.Probabilities.Length != SignalCount || signals.HarmProbabilities.Length != HarmCount)
        {
            return null;
        }

        if (signals.StoredForm is Packed known)
        {
            // Made by a store of the same layout (the signals' own counts; their chunks were checked then).
            return known;
        }

        ushort[]? chunks = null;
        if (signals.Chunks.Count > 0)
        {
            for (var c = 0; c < signals.Chunks.Count; c++)
            {
                if (signals.Chunks[c].Probabilities.Length != SignalCount || signals.Chunks[c].HarmProbabilities.Length != HarmCount)
                {
                    return null;
                }
            }

            chunks = new ushort[signals.Chunks.Count * Stride];
            for (var c = 0; c < signals.Chunks.Count; c++)
            {
                Write(signals.Chunks[c], chunks.AsSpan(c * Stride, Stride));
            }
        }

        var values = new ushort[Stride];
        Write(signals, values);
        var packed = new Packed(values, chunks);
        signals.StoredForm = packed;
        return packed;
    }

    // What Decode gives for an entry holding these values (the chunks first, then the message).
    private MessageSignals Rebuild(Packed packed)
    {
        IReadOnlyList<MessageSignals>? chunks = null;
        if (packed.Chunks is { } quantized)
        {
            var list = new MessageSignals[quantized.Length / Stride];
            for (var c = 0; c < list.Length; c++)
            {
                list[c] = Read(quantized.AsSpan(c * Stride, Stride), null);
            }

            chunks = list;
        }

        return Read(packed.Values, chunks);
    }

    // A message's quantized values (and its chunks', or null), as Write lays them out, and their rebuilt signals once made.
    // Shared by every entry of that signals object: never changed after it is made (entries already share chunk arrays).
    private sealed class Packed(ushort[] values, ushort[]? chunks)
    {
        public ushort[] Values { get; } = values;

        public ushort[]? Chunks { get; } = chunks;

        public MessageSignals? Decoded { get; set; }
    }

    private void Write(MessageSignals signals, Span<ushort> target)
    {
        var at = 0;
        foreach (var p in signals.Probabilities)
        {
            target[at++] = Quantize(p);
        }

        foreach (var p in signals.HarmProbabilities)
        {
            target[at++] = Quantize(p);
        }

        target[at++] = Quantize(signals.MinorCue);
        target[at++] = Quantize(signals.TranscriptGrooming);
        target[at++] = Quantize(signals.SemanticAuthor);
        target[at] = Quantize(signals.SemanticContext);
    }

    private MessageSignals Read(ReadOnlySpan<ushort> source, IReadOnlyList<MessageSignals>? chunks)
    {
        var probabilities = new float[SignalCount];
        var harms = new float[HarmCount];
        for (var i = 0; i < probabilities.Length; i++)
        {
            probabilities[i] = Dequantize(source[i]);
        }

        for (var i = 0; i < harms.Length; i++)
        {
            harms[i] = Dequantize(source[SignalCount + i]);
        }

        return new MessageSignals(
            probabilities, harms, Dequantize(source[Stride - 4]), Dequantize(source[Stride - 3]), chunks, Dequantize(source[Stride - 2]), Dequantize(source[Stride - 1]));
    }
}
