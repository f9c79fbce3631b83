using System.Globalization;

namespace SafeChat.Imaging;

/// <summary>
/// A 256-bit PDQ hash. Bit <c>k</c> (0–255) of the hash is bit <c>k mod 64</c> of word <c>k / 64</c>; the text form is
/// the 256-bit number in 64 lowercase hex digits, most significant first, exactly as the reference tools print it.
/// Bit <c>16·i + j</c> is set when the DCT coefficient at row <c>i</c>, column <c>j</c> exceeds the median.
/// </summary>
public readonly struct PdqHash : IEquatable<PdqHash>
{
    /// <summary>The number of bits in a hash.</summary>
    public const int Bits = 256;

    /// <summary>The number of hex digits in the text form.</summary>
    public const int HexLength = 64;

    /// <summary>Creates a hash from its four 64-bit words, least significant first.</summary>
    /// <param name="w0">Bits 0–63.</param>
    /// <param name="w1">Bits 64–127.</param>
    /// <param name="w2">Bits 128–191.</param>
    /// <param name="w3">Bits 192–255.</param>
    public PdqHash(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        W0 = w0;
        W1 = w1;
        W2 = w2;
        W3 = w3;
    }

    /// <summary>Bits 0–63.</summary>
    public ulong W0 { get; }

    /// <summary>Bits 64–127.</summary>
    public ulong W1 { get; }

    /// <summary>Bits 128–191.</summary>
    public ulong W2 { get; }

    /// <summary>Bits 192–255.</summary>
    public ulong W3 { get; }

    /// <summary>The number of set bits.</summary>
    public int BitCount => PopCount(W0) + PopCount(W1) + PopCount(W2) + PopCount(W3);

    /// <summary>True when bit <paramref name="index"/> (0–255) is set.</summary>
    public bool GetBit(int index)
    {
        if ((uint)index >= Bits)
        {
            throw new ArgumentOutOfRangeException(nameof(index), "A PDQ bit index is 0 to 255.");
        }

        return ((Word(index >> 6) >> (index & 63)) & 1UL) != 0;
    }

    /// <summary>The 16-bit segment <paramref name="index"/> (0–15): bits <c>16·index</c> to <c>16·index + 15</c>.</summary>
    public ushort Segment(int index)
    {
        if ((uint)index >= 16)
        {
            throw new ArgumentOutOfRangeException(nameof(index), "A PDQ segment index is 0 to 15.");
        }

        return (ushort)(Word(index >> 2) >> ((index & 3) * 16));
    }

    /// <summary>The Hamming distance (number of differing bits, 0–256) to <paramref name="other"/>.</summary>
    public int DistanceTo(PdqHash other) =>
        PopCount(W0 ^ other.W0) + PopCount(W1 ^ other.W1) + PopCount(W2 ^ other.W2) + PopCount(W3 ^ other.W3);

    /// <summary>Parses 64 hex digits (either case).</summary>
    /// <exception cref="FormatException">The text is not 64 hex digits.</exception>
    public static PdqHash Parse(string text) =>
        TryParse(text, out var hash) ? hash : throw new FormatException("A PDQ hash is 64 hex digits.");

    /// <summary>Parses 64 hex digits (either case); false when the text is anything else.</summary>
    public static bool TryParse(string? text, out PdqHash hash)
    {
        hash = default;
        if (text is null || text.Length != HexLength)
        {
            return false;
        }

        Span<ulong> words = stackalloc ulong[4];
        for (var w = 0; w < 4; w++)
        {
            // Word 3 is written first.
            if (!ulong.TryParse(text.AsSpan((3 - w) * 16, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out words[w]))
            {
                return false;
            }
        }

        hash = new PdqHash(words[0], words[1], words[2], words[3]);
        return true;
    }

    /// <summary>The 64 lowercase hex digits, most significant first.</summary>
    public override string ToString() =>
        W3.ToString("x16", CultureInfo.InvariantCulture) + W2.ToString("x16", CultureInfo.InvariantCulture)
        + W1.ToString("x16", CultureInfo.InvariantCulture) + W0.ToString("x16", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(PdqHash other) => W0 == other.W0 && W1 == other.W1 && W2 == other.W2 && W3 == other.W3;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PdqHash other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => (W0 ^ (W1 * 31) ^ (W2 * 961) ^ (W3 * 29791)).GetHashCode();

    /// <summary>Equality.</summary>
    public static bool operator ==(PdqHash left, PdqHash right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(PdqHash left, PdqHash right) => !left.Equals(right);

    internal ulong Word(int index) => index switch
    {
        0 => W0,
        1 => W1,
        2 => W2,
        _ => W3,
    };

    internal static int PopCount(ulong value)
    {
#if NET
        return System.Numerics.BitOperations.PopCount(value);
#else
        value -= (value >> 1) & 0x5555555555555555UL;
        value = (value & 0x3333333333333333UL) + ((value >> 2) & 0x3333333333333333UL);
        value = (value + (value >> 4)) & 0x0F0F0F0F0F0F0F0FUL;
        return (int)((value * 0x0101010101010101UL) >> 56);
#endif
    }
}
