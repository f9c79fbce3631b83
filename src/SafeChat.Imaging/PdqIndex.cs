namespace SafeChat.Imaging;

/// <summary>
/// Finds every stored PDQ hash within a Hamming distance of a query, by multi-index hashing (Norouzi et al.; the PDQ
/// reference's "MIH"). Each 256-bit hash is cut into 16 disjoint 16-bit segments, and each segment position has a table
/// from the 65,536 segment values to the hashes that have that value there.
/// <para>
/// Recall (pigeonhole): if two hashes are within distance <c>d</c>, the distances of their 16 segments sum to at most
/// <c>d</c>, so at least one segment is within <c>r = ⌊d / 16⌋</c> (otherwise every segment differs by <c>r + 1</c>
/// or more, and the sum is at least <c>16(r + 1) &gt; d</c>). Probing, in every segment table, the query's segment
/// value and every value within <c>r</c> bits of it therefore finds every hash within <c>d</c>: for the default 31,
/// <c>r = 1</c> and each table is probed 17 times (the value and its 16 one-bit neighbours), 272 probes in all. Each
/// candidate is checked with the full 256-bit distance, so there are no false matches. Thresholds up to 47 (r ≤ 2,
/// 137 probes a table) use the index; larger ones scan every hash.
/// </para>
/// <para>
/// Cost, for <c>n</c> hashes: memory 32 bytes a hash plus 16 × 4 bytes of table entries, about 96 bytes a hash
/// (≈ 96 MB for a million) plus 16 × 256 KiB of bucket offsets; building is linear. A lookup at distance 31 costs 272
/// bucket probes plus about <c>272 · n / 65,536</c> candidate checks for random hashes (≈ 4,200 at a million), each
/// four XOR-popcounts. Immutable after it is built, so any number of threads may query it.
/// </para>
/// </summary>
public sealed class PdqIndex
{
    /// <summary>The largest threshold the segment tables answer; larger ones scan every hash.</summary>
    public const int MaxIndexedThreshold = 47;

    private const int Segments = 16;
    private const int Buckets = 1 << 16;

    private readonly PdqHash[] _hashes;
    private readonly int[][] _offsets; // per segment: Buckets + 1 offsets into _ids
    private readonly int[][] _ids;     // per segment: hash ids grouped by segment value

    /// <summary>Builds the index; hash <c>i</c> of <paramref name="hashes"/> gets id <c>i</c>.</summary>
    /// <param name="hashes">The hashes.</param>
    public PdqIndex(IReadOnlyList<PdqHash> hashes)
    {
        if (hashes is null)
        {
            throw new ArgumentNullException(nameof(hashes));
        }

        _hashes = [.. hashes];
        _offsets = new int[Segments][];
        _ids = new int[Segments][];
        for (var s = 0; s < Segments; s++)
        {
            var offsets = new int[Buckets + 1];
            for (var i = 0; i < _hashes.Length; i++)
            {
                offsets[_hashes[i].Segment(s) + 1]++;
            }

            for (var b = 0; b < Buckets; b++)
            {
                offsets[b + 1] += offsets[b];
            }

            var fill = new int[Buckets];
            Array.Copy(offsets, fill, Buckets);
            var ids = new int[_hashes.Length];
            for (var i = 0; i < _hashes.Length; i++)
            {
                ids[fill[_hashes[i].Segment(s)]++] = i;
            }

            _offsets[s] = offsets;
            _ids[s] = ids;
        }
    }

    /// <summary>The number of hashes.</summary>
    public int Count => _hashes.Length;

    /// <summary>The hash with id <paramref name="id"/>.</summary>
    public PdqHash this[int id] => _hashes[id];

    /// <summary>Adds to <paramref name="results"/> the id and distance of every hash within <paramref name="threshold"/> of <paramref name="query"/>, each once, nearest first.</summary>
    /// <param name="query">The query hash.</param>
    /// <param name="threshold">The largest distance that matches (0–256).</param>
    /// <param name="results">Where the matches go.</param>
    public void Search(PdqHash query, int threshold, List<(int Id, int Distance)> results)
    {
        if (results is null)
        {
            throw new ArgumentNullException(nameof(results));
        }

        if (threshold < 0 || threshold > PdqHash.Bits)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), "A PDQ distance threshold is 0 to 256.");
        }

        var start = results.Count;
        if (threshold > MaxIndexedThreshold)
        {
            for (var i = 0; i < _hashes.Length; i++)
            {
                var distance = _hashes[i].DistanceTo(query);
                if (distance <= threshold)
                {
                    results.Add((i, distance));
                }
            }
        }
        else
        {
            var radius = threshold / Segments;
            for (var s = 0; s < Segments; s++)
            {
                var value = query.Segment(s);
                Probe(s, value, query, threshold, results);
                if (radius >= 1)
                {
                    for (var b1 = 0; b1 < 16; b1++)
                    {
                        Probe(s, value ^ (1 << b1), query, threshold, results);
                        if (radius >= 2)
                        {
                            for (var b2 = b1 + 1; b2 < 16; b2++)
                            {
                                Probe(s, value ^ (1 << b1) ^ (1 << b2), query, threshold, results);
                            }
                        }
                    }
                }
            }

            // A hash close in several segments was found several times: keep one.
            if (results.Count - start > 1)
            {
                var distinct = results.Skip(start).GroupBy(r => r.Id).Select(g => g.First()).ToList();
                results.RemoveRange(start, results.Count - start);
                results.AddRange(distinct);
            }
        }

        if (results.Count - start > 1)
        {
            results.Sort(start, results.Count - start, Comparer<(int Id, int Distance)>.Create((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.Id.CompareTo(b.Id)));
        }
    }

    private void Probe(int segment, int value, PdqHash query, int threshold, List<(int Id, int Distance)> results)
    {
        var offsets = _offsets[segment];
        var ids = _ids[segment];
        for (int k = offsets[value], end = offsets[value + 1]; k < end; k++)
        {
            var id = ids[k];
            var distance = _hashes[id].DistanceTo(query);
            if (distance <= threshold)
            {
                results.Add((id, distance));
            }
        }
    }
}
