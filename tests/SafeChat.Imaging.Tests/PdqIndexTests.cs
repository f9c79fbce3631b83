namespace SafeChat.Imaging.Tests;

public class PdqIndexTests
{
    private static PdqHash RandomHash(Random random) =>
        new((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());

    private static PdqHash FlipBits(PdqHash hash, Random random, int count)
    {
        var words = new[] { hash.W0, hash.W1, hash.W2, hash.W3 };
        var chosen = new HashSet<int>();
        while (chosen.Count < count)
        {
            chosen.Add(random.Next(256));
        }

        foreach (var bit in chosen)
        {
            words[bit >> 6] ^= 1UL << (bit & 63);
        }

        return new PdqHash(words[0], words[1], words[2], words[3]);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(15)]
    [InlineData(40)]
    [InlineData(60)]
    public void Search_NearHashes_SameResultsAsLinearScan(int threshold)
    {
        var random = new Random(7);
        var stored = Enumerable.Range(0, 3000).Select(_ => RandomHash(random)).ToList();
        var index = new PdqIndex(stored);
        for (var q = 0; q < 200; q++)
        {
            // Queries at every distance around the threshold, including the worst case for the pigeonhole split.
            var query = FlipBits(stored[random.Next(stored.Count)], random, random.Next(0, threshold + 6));
            var found = new List<(int Id, int Distance)>();

            index.Search(query, threshold, found);

            var expected = stored.Select((h, i) => (Id: i, Distance: h.DistanceTo(query))).Where(p => p.Distance <= threshold).OrderBy(p => p.Distance).ThenBy(p => p.Id).ToList();
            Assert.Equal(expected, found);
        }
    }

    [Fact]
    public void Search_WorstCaseSpreadOf31Bits_Found()
    {
        // 31 differing bits spread as evenly as possible: 15 segments differ by 2 bits and one by 1.
        var random = new Random(3);
        var target = RandomHash(random);
        var words = new[] { target.W0, target.W1, target.W2, target.W3 };
        for (var segment = 0; segment < 16; segment++)
        {
            var bits = segment == 9 ? new[] { 4 } : new[] { 2, 11 };
            foreach (var b in bits)
            {
                var bit = (segment * 16) + b;
                words[bit >> 6] ^= 1UL << (bit & 63);
            }
        }

        var query = new PdqHash(words[0], words[1], words[2], words[3]);
        Assert.Equal(31, query.DistanceTo(target));
        var index = new PdqIndex([RandomHash(random), target, RandomHash(random)]);
        var found = new List<(int Id, int Distance)>();

        index.Search(query, 31, found);

        Assert.Equal([(1, 31)], found);
    }

    [Fact]
    public void Search_EmptyIndex_NothingFound()
    {
        var found = new List<(int Id, int Distance)>();

        new PdqIndex([]).Search(default, 31, found);

        Assert.Empty(found);
    }
}
