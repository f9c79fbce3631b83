using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SafeChat.Inference.Caching;

/// <summary>
/// SipHash-2-4 with a 128-bit output (Aumasson and Bernstein's reference <c>siphash.c</c> with <c>cROUNDS = 2</c>,
/// <c>dROUNDS = 4</c>, 16-byte output): a keyed pseudo-random function. With a secret random key nobody can make two
/// texts collide on purpose, so a cache keyed by it cannot be steered into answering one message with another's scores.
/// </summary>
internal static class SipHash128
{
    /// <summary>The 128-bit SipHash-2-4 of <paramref name="data"/> under the key (<paramref name="k0"/>, <paramref name="k1"/>), as (low, high) 64-bit halves.</summary>
    public static TextKey Hash(ReadOnlySpan<byte> data, ulong k0, ulong k1)
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
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;
        v2 ^= 0xee;
        for (int r = 0; r < 4; r++)
        {
            Round(ref v0, ref v1, ref v2, ref v3);
        }

        ulong low = v0 ^ v1 ^ v2 ^ v3;
        v1 ^= 0xdd;
        for (int r = 0; r < 4; r++)
        {
            Round(ref v0, ref v1, ref v2, ref v3);
        }

        ulong high = v0 ^ v1 ^ v2 ^ v3;
        return new TextKey(low, high);
    }

    /// <summary>The hash of a text's UTF-16 code units (little-endian bytes on every platform .NET runs on).</summary>
    public static TextKey Hash(string text, ulong k0, ulong k1) => Hash(MemoryMarshal.AsBytes(text.AsSpan()), k0, k1);

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

    private static ulong RotateLeft(ulong value, int offset) => (value << offset) | (value >> (64 - offset));
}
