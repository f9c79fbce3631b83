using BenchmarkDotNet.Attributes;
using SafeChat.Conversations;
using SafeChat.Imaging;

namespace SafeChat.Benchmarks.Imaging;

/// <summary>
/// One image against a 1,000,000-hash list: the multi-index PDQ lookup (threshold 31), the full match of an image's
/// PDQ, MD5 and SHA-256, the eight rotations and flips, and a linear scan for comparison. The list is random PDQ hashes
/// plus the image's own hash with 12 bits flipped, so every lookup finds exactly one match.
/// Run: dotnet run -c Release --project benchmarks/SafeChat.Benchmarks -- --filter '*ImageMatch*' --job short
/// </summary>
[MemoryDiagnoser]
public class ImageMatchBenchmarks
{
    private const int ListSize = 1_000_000;

    private HashListMatcher _matcher = null!;
    private PdqIndex _index = null!;
    private PdqHash[] _list = null!;
    private PdqHash _query;
    private IReadOnlyList<PdqHash> _dihedral = null!;
    private IReadOnlyList<ContentHash> _fileHashes = null!;
    private List<(int Id, int Distance)> _found = null!;

    [GlobalSetup]
    public void Setup()
    {
        var image = File.ReadAllBytes(Path.Combine(FindRepositoryRoot(), "tests", "fixtures", "pdq-reference", "bridge-mods", "aaa-orig.jpg"));
        var hashes = ImageHasher.Hash(image);
        _query = hashes.Pdq;
        _dihedral = ImageHasher.HashDihedral(image, out _);
        _fileHashes = hashes.ToContentHashes();

        var random = new Random(42);
        _list = new PdqHash[ListSize];
        var entries = new HashListEntry[ListSize];
        for (var i = 0; i < ListSize; i++)
        {
            _list[i] = new PdqHash((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());
        }

        _list[ListSize / 2] = new PdqHash(_query.W0 ^ 0xF0F, _query.W1 ^ 0x10001, _query.W2, _query.W3 ^ (0x7UL << 40));
        for (var i = 0; i < ListSize; i++)
        {
            entries[i] = new HashListEntry("pdq", _list[i].ToString(), "bench-list");
        }

        _index = new PdqIndex(_list);
        _matcher = new HashListMatcher(HashListIndex.Build(entries));
        _found = new List<(int Id, int Distance)>(16);
    }

    [Benchmark(Baseline = true, Description = "PDQ index lookup, 1M hashes, d<=31")]
    public int IndexLookup()
    {
        _found.Clear();
        _index.Search(_query, 31, _found);
        return _found.Count;
    }

    [Benchmark(Description = "Match an image's PDQ+MD5+SHA-256, 1M hashes")]
    public int MatchFileHashes() => _matcher.MatchHashes(_fileHashes).Count;

    [Benchmark(Description = "8 rotations/flips, 1M hashes")]
    public int DihedralLookups()
    {
        _found.Clear();
        foreach (var hash in _dihedral)
        {
            _index.Search(hash, 31, _found);
        }

        return _found.Count;
    }

    [Benchmark(Description = "Linear scan, 1M hashes")]
    public int LinearScan()
    {
        var count = 0;
        foreach (var hash in _list)
        {
            if (hash.DistanceTo(_query) <= 31)
            {
                count++;
            }
        }

        return count;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SafeChat.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
