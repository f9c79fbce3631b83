using SafeChat.Conversations;

namespace SafeChat.Imaging;

/// <summary>
/// Host-supplied hash lists, indexed for lookup: PDQ hashes in a <see cref="PdqIndex"/> (Hamming distance), MD5 and
/// SHA-256 in a dictionary (equality). Immutable and thread-safe; build a new one to change the lists (from files with
/// <see cref="FromFiles"/>, or from whatever the host's callback returns with <see cref="Build"/>) and hand it to
/// <see cref="HashListMatcher.Replace"/>.
/// </summary>
public sealed class HashListIndex
{
    private readonly HashListEntry[] _pdqEntries;
    private readonly PdqIndex _pdq;
    private readonly Dictionary<string, List<HashListEntry>> _exact;

    private HashListIndex(HashListEntry[] pdqEntries, PdqIndex pdq, Dictionary<string, List<HashListEntry>> exact, int count)
    {
        _pdqEntries = pdqEntries;
        _pdq = pdq;
        _exact = exact;
        Count = count;
    }

    /// <summary>An index with no hashes.</summary>
    public static HashListIndex Empty { get; } = Build([]);

    /// <summary>The number of entries.</summary>
    public int Count { get; }

    /// <summary>The number of PDQ entries.</summary>
    public int PdqCount => _pdqEntries.Length;

    /// <summary>Builds an index from entries (for example what a host callback returns).</summary>
    /// <param name="entries">The entries; their hash types must be known and their hashes valid hex of the right length.</param>
    /// <exception cref="ArgumentException">An entry is invalid; the message names its position.</exception>
    public static HashListIndex Build(IEnumerable<HashListEntry> entries)
    {
        if (entries is null)
        {
            throw new ArgumentNullException(nameof(entries));
        }

        var pdqEntries = new List<HashListEntry>();
        var pdqHashes = new List<PdqHash>();
        var exact = new Dictionary<string, List<HashListEntry>>(StringComparer.Ordinal);
        var count = 0;
        foreach (var entry in entries)
        {
            if (entry is null || string.IsNullOrEmpty(entry.ListName) || entry.Hash is null)
            {
                throw new ArgumentException($"entries[{count}] is null or has no hash or list name.", nameof(entries));
            }

            var type = (entry.HashType ?? string.Empty).ToLowerInvariant();
            var hash = entry.Hash.ToLowerInvariant();
            var length = ContentHashTypes.HexLength(type);
            if (length == 0 || hash.Length != length || !HashListReader.IsHex(hash))
            {
                throw new ArgumentException($"entries[{count}] has an unknown hash type or a hash that is not {length} hex digits.", nameof(entries));
            }

            var normalized = entry with { HashType = type, Hash = hash };
            if (type == ContentHashTypes.Pdq)
            {
                pdqEntries.Add(normalized);
                pdqHashes.Add(PdqHash.Parse(hash));
            }
            else
            {
                var key = type + ":" + hash;
                if (!exact.TryGetValue(key, out var list))
                {
                    exact[key] = list = [];
                }

                list.Add(normalized);
            }

            count++;
        }

        return new HashListIndex([.. pdqEntries], new PdqIndex(pdqHashes), exact, count);
    }

    /// <summary>Reads and indexes hash list files (see <see cref="HashListReader"/> for the format).</summary>
    /// <param name="paths">The files.</param>
    /// <exception cref="HashListFormatException">A line is invalid (the message names file:line).</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static HashListIndex FromFiles(params string[] paths)
    {
        if (paths is null)
        {
            throw new ArgumentNullException(nameof(paths));
        }

        return Build(paths.SelectMany(ReadLazily));

        static IEnumerable<HashListEntry> ReadLazily(string path)
        {
            using var reader = new StreamReader(path);
            foreach (var entry in HashListReader.Read(reader, Path.GetFileName(path)))
            {
                yield return entry;
            }
        }
    }

    /// <summary>The PDQ entries within <paramref name="threshold"/> of <paramref name="hash"/>, nearest first.</summary>
    /// <param name="hash">The query.</param>
    /// <param name="threshold">The largest matching distance.</param>
    public IReadOnlyList<(HashListEntry Entry, int Distance)> MatchPdq(PdqHash hash, int threshold)
    {
        var found = new List<(int Id, int Distance)>();
        _pdq.Search(hash, threshold, found);
        return found.Count == 0 ? [] : [.. found.Select(f => (_pdqEntries[f.Id], f.Distance))];
    }

    /// <summary>The entries with exactly this MD5 or SHA-256.</summary>
    /// <param name="hashType">The hash type (<c>md5</c> or <c>sha256</c>).</param>
    /// <param name="hash">The hash in hex (any case).</param>
    public IReadOnlyList<HashListEntry> MatchExact(string hashType, string hash)
    {
        if (hashType is null || hash is null)
        {
            return [];
        }

        return _exact.TryGetValue(hashType.ToLowerInvariant() + ":" + hash.ToLowerInvariant(), out var list) ? list : [];
    }
}
