using System.Reflection;
using SafeChat.Inference.Caching;

namespace SafeChat.Inference.Tests.Caching;

public sealed class TextOutputCacheTests
{
    [Fact]
    public void Hash_ReferenceKeyEmptyMessage_MatchesSipHash128Vector()
    {
        // Key 00 01 .. 0f, empty message: the first 128-bit vector of the SipHash reference (vectors.h, vectors_sip128[0]).
        var key = SipHash128.Hash(ReadOnlySpan<byte>.Empty, 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL);

        Assert.Equal("a3817f04ba25a8e66df67214c7550293", ToHex(key));
    }

    [Fact]
    public void Hash_ReferenceKeyOneByte_MatchesSipHash128Vector()
    {
        // vectors_sip128[1]: the message is the single byte 00.
        var key = SipHash128.Hash(new byte[] { 0 }, 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL);

        Assert.Equal("da87c1d86b99af44347659119b22fc45", ToHex(key));
    }

    [Fact]
    public void Hash13_EveryLengthUpTo40_EqualsGeneralFormWithOneAndThreeRounds()
    {
        var data = Enumerable.Range(0, 40).Select(i => (byte)(i * 37 + 11)).ToArray();
        for (int length = 0; length <= data.Length; length++)
        {
            var span = data.AsSpan(0, length);

            var key = SipHash128.Hash13(span, 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL);

            Assert.Equal(SipHash128.HashWithRounds(span, 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL, 1, 3), key);
        }
    }

    [Fact]
    public void Hash13_SameInputTwice_SameKeyAndDiffersFromSipHash24AndOnOneBit()
    {
        var data = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 };
        var flipped = (byte[])data.Clone();
        flipped[16] ^= 1;

        var key = SipHash128.Hash13(data, 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL);

        Assert.Equal(key, SipHash128.Hash13(data, 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL));
        Assert.NotEqual(key, SipHash128.Hash(data, 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL));
        Assert.NotEqual(key, SipHash128.Hash13(flipped, 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL));
        Assert.NotEqual(key, SipHash128.Hash13(data, 0x0706050403020101UL, 0x0f0e0d0c0b0a0908UL));
    }

    [Fact]
    public void KeyOf_SameTextTwoCaches_DifferentKeysSameWithinCache()
    {
        var first = new TextOutputCache<object>(16);
        var second = new TextOutputCache<object>(16);

        Assert.Equal(first.KeyOf("gg"), first.KeyOf("gg"));
        Assert.NotEqual(first.KeyOf("gg"), second.KeyOf("gg"));
        Assert.NotEqual(first.KeyOf("gg"), first.KeyOf("gg "));
    }

    [Fact]
    public void TryGet_AfterAdd_ReturnsTheSameInstanceAndCountsAHit()
    {
        var cache = new TextOutputCache<object>(16);
        var value = new object();
        cache.Add(cache.KeyOf("lol"), value);

        Assert.True(cache.TryGet(cache.KeyOf("lol"), out var found));
        Assert.Same(value, found);
        Assert.False(cache.TryGet(cache.KeyOf("LOL"), out _));
        Assert.Equal(1, cache.Hits);
        Assert.Equal(1, cache.Misses);
    }

    [Fact]
    public void Add_BeyondCapacity_CountStaysAtCapacityAndEvicts()
    {
        var cache = new TextOutputCache<object>(3000);
        for (int i = 0; i < 10_000; i++)
        {
            cache.Add(cache.KeyOf("message " + i), new object());
        }

        Assert.Equal(3000, cache.Count);
        Assert.Equal(7000, cache.Evictions);
    }

    [Fact]
    public void Add_FullCache_EvictsAnEntryNotReadSinceTheHandPassed()
    {
        var cache = new TextOutputCache<object>(4);
        foreach (var text in new[] { "a", "b", "c", "d" })
        {
            cache.Add(cache.KeyOf(text), text);
        }

        Assert.True(cache.TryGet(cache.KeyOf("a"), out _));
        cache.Add(cache.KeyOf("e"), "e");

        // "a" was read, so it gets a second chance; "b" is the oldest entry not read since.
        Assert.True(cache.TryGet(cache.KeyOf("a"), out _));
        Assert.False(cache.TryGet(cache.KeyOf("b"), out _));
        Assert.True(cache.TryGet(cache.KeyOf("c"), out _));
        Assert.True(cache.TryGet(cache.KeyOf("e"), out _));
        Assert.Equal(4, cache.Count);
    }

    [Fact]
    public void Add_CollidingKeysBeyondCapacity_KeepsExactlyTheNewestReachable()
    {
        // One shard of 64 entries; every key has the same low bits, so all share one probe run and each eviction
        // shifts the run back. Nothing is read until the end, so CLOCK evicts oldest first.
        var cache = new TextOutputCache<string>(64);
        var keys = Enumerable.Range(0, 300).Select(i => new TextKey((ulong)i << 20, (ulong)i)).ToArray();
        for (int i = 0; i < keys.Length; i++)
        {
            cache.Add(keys[i], "v" + i);
        }

        for (int i = 0; i < keys.Length; i++)
        {
            bool found = cache.TryGet(keys[i], out var value);
            Assert.Equal(i >= keys.Length - 64, found);
            Assert.Equal(found ? "v" + i : null, value);
        }

        Assert.Equal(64, cache.Count);
        Assert.Equal(300 - 64, cache.Evictions);
    }

    [Fact]
    public void Clear_FilledCache_EmptiesIt()
    {
        var cache = new TextOutputCache<object>(8);
        cache.Add(cache.KeyOf("x"), "x");

        cache.Clear();

        Assert.Equal(0, cache.Count);
        Assert.False(cache.TryGet(cache.KeyOf("x"), out _));
    }

    [Fact]
    public void AddAndTryGet_ManyThreads_EveryHitIsItsOwnTextsValueAndCountIsBounded()
    {
        // Fewer entries than texts, so evictions happen while the threads read; hits come from texts read again soon.
        var cache = new TextOutputCache<string>(2048);
        var wrong = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                // A value names its text's number (no text is stored by the cache; the test keeps it in the value only).
                var n = (i % 2 == 0 ? i / 2 : (i / 2) - 1 + worker) % 3000;
                var key = cache.KeyOf("text " + n);
                if (cache.TryGet(key, out var value))
                {
                    if (value != n.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                else
                {
                    cache.Add(key, n.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        });

        Assert.Equal(0, wrong);
        Assert.InRange(cache.Count, 1, 2048);
        Assert.True(cache.Hits > 0);
    }

    [Fact]
    public void Fields_CacheAndShards_HoldNoTextTypedField()
    {
        var types = new[] { typeof(TextOutputCache<object>) }
            .Concat(typeof(TextOutputCache<object>).GetNestedTypes(BindingFlags.NonPublic).Select(t => t.MakeGenericType(typeof(object))))
            .ToArray();
        var textual = types
            .SelectMany(t => t.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(f => f.FieldType == typeof(string) || f.FieldType == typeof(string[]) || f.FieldType == typeof(char[]) ||
                        (f.FieldType.IsGenericType && f.FieldType.GetGenericArguments().Contains(typeof(string))))
            .Select(f => f.DeclaringType!.Name + "." + f.Name)
            .ToArray();

        Assert.True(types.Length >= 2);
        Assert.Empty(textual);
    }

    [Fact]
    public void Constructor_ZeroCapacity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextOutputCache<object>(0));
    }

    private static string ToHex(TextKey key) =>
        Convert.ToHexString(BitConverter.GetBytes(key.Low)).ToLowerInvariant() + Convert.ToHexString(BitConverter.GetBytes(key.High)).ToLowerInvariant();
}
