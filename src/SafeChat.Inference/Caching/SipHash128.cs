using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SafeChat.Inference.Caching;

/// <summary>
/// SipHash with a 128-bit output (Aumasson and Bernstein's reference <c>siphash.c</c>, 16-byte output): a keyed
/// pseudo-random function. With a secret random key nobody can make two inputs collide on purpose, so a cache keyed by
/// it cannot be steered into answering one message with another's scores. <see cref="Hash(ReadOnlySpan{byte}, ulong, ulong)"/>
/// is SipHash-2-4 (checked against the reference vectors); the caches use <see cref="Hash13"/>, SipHash-1-3 (one
/// compression and three finalization rounds, the variant Rust's and CPython's hash tables use against hash flooding),
/// which costs about half as much per byte.
/// </summary>
internal static class SipHash128
{
    /// <summary>The 128-bit SipHash-2-4 of <paramref name="data"/> under the key (<paramref name="k0"/>, <paramref name="k1"/>), as (low, high) 64-bit halves.</summary>
    public static TextKey Hash(ReadOnlySpan<byte> data, ulong k0, ulong k1) => Hash(data, k0, k1, compressionRounds: 2, finalizationRounds: 4);

    /// <summary>The 128-bit SipHash-1-3 of <paramref name="data"/> under the key (<paramref name="k0"/>, <paramref name="k1"/>).</summary>
    /// <remarks>
    /// The same function as the general form with one compression and three finalization rounds, written out (every
    /// message text and memo key is hashed with it: no round loops).
    /// </remarks>
    public static TextKey Hash13(ReadOnlySpan<byte> data, ulong k0, ulong k1)
    {
        ulong v0 = 0x736f6d6570736575UL ^ k0;
        ulong v1 = 0x646f72616e646f6dUL ^ k1 ^ 0xeeUL;
        ulong v2 = 0x6c7967656e657261UL ^ k0;
        ulong v3 = 0x7465646279746573UL ^ k1;
        int blocks = data.Length & ~7;
        for (int i = 0; i < blocks; i += 8)
        {
            ulong m = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i, 8));
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }

        ulong last = (ulong)data.Length << 56;
        var tail = data.Slice(blocks);
        for (int i = 0; i < tail.Length; i++)
        {
            last |= (ulong)tail[i] << (8 * i);
        }

        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;
        v2 ^= 0xee;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        ulong low = v0 ^ v1 ^ v2 ^ v3;
        v1 ^= 0xdd;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        ulong high = v0 ^ v1 ^ v2 ^ v3;
        return new TextKey(low, high);
    }

    /// <summary>The general form (for tests): SipHash-c-d with the given round counts.</summary>
    internal static TextKey HashWithRounds(ReadOnlySpan<byte> data, ulong k0, ulong k1, int compressionRounds, int finalizationRounds) =>
        Hash(data, k0, k1, compressionRounds, finalizationRounds);

    private static TextKey Hash(ReadOnlySpan<byte> data, ulong k0, ulong k1, int compressionRounds, int finalizationRounds)
    {
        ulong v0 = 0x736f6d6570736575UL ^ k0;
        ulong v1 = 0x646f72616e646f6dUL ^ k1 ^ 0xeeUL;
        ulong v2 = 0x6c7967656e657261UL ^ k0;
        ulong v3 = 0x7465646279746573UL ^ k1;
        int blocks = data.Length & ~7;
        for (int i = 0; i < blocks; i += 8)
        {
            ulong m = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i, 8));
            v3 ^= m;
            for (int r = 0; r < compressionRounds; r++)
            {
                Round(ref v0, ref v1, ref v2, ref v3);
            }

            v0 ^= m;
        }

        ulong last = (ulong)data.Length << 56;
        var tail = data.Slice(blocks);
        for (int i = 0; i < tail.Length; i++)
        {
            last |= (ulong)tail[i] << (8 * i);
        }

        v3 ^= last;
        for (int r = 0; r < compressionRounds; r++)
        {
            Round(ref v0, ref v1, ref v2, ref v3);
        }

        v0 ^= last;
        v2 ^= 0xee;
        for (int r = 0; r < finalizationRounds; r++)
        {
            Round(ref v0, ref v1, ref v2, ref v3);
        }

        ulong low = v0 ^ v1 ^ v2 ^ v3;
        v1 ^= 0xdd;
        for (int r = 0; r < finalizationRounds; r++)
        {
            Round(ref v0, ref v1, ref v2, ref v3);
        }

        ulong high = v0 ^ v1 ^ v2 ^ v3;
        return new TextKey(low, high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = RotateLeft(v0, 32);
        v2 += v3;
        v3 = RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = RotateLeft(v2, 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RotateLeft(ulong value, int offset) => (value << offset) | (value >> (64 - offset));
}
