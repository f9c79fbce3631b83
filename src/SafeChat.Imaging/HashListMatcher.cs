using SafeChat.Conversations;
using SafeChat.Matching;

namespace SafeChat.Imaging;

/// <summary>
/// The engine's <see cref="IImageMatcher"/> over host-supplied hash lists. An attachment given as bytes is hashed here
/// (PDQ with its rotations and flips, MD5, SHA-256) and the bytes are dropped; an attachment given as hashes (computed
/// on the device) is matched as it is. PDQ matches by Hamming distance (<see cref="HashListMatcherOptions.PdqThreshold"/>,
/// 31 by default) above a quality floor; MD5 and SHA-256 by equality. Nothing is stored; thread-safe; the lists can be
/// swapped while it runs (<see cref="Replace"/>).
/// </summary>
public sealed class HashListMatcher : IImageMatcher
{
    private readonly int _threshold;
    private readonly int _minQuality;
    private readonly bool _rotations;
    private volatile HashListIndex _index;

    /// <summary>Creates a matcher.</summary>
    /// <param name="index">The hash lists.</param>
    /// <param name="options">Settings; defaults when null. Validated and copied.</param>
    public HashListMatcher(HashListIndex index, HashListMatcherOptions? options = null)
    {
        _index = index ?? throw new ArgumentNullException(nameof(index));
        options ??= new HashListMatcherOptions();
        options.Validate();
        _threshold = options.PdqThreshold;
        _minQuality = options.MinQuality;
        _rotations = options.MatchRotationsAndFlips;
    }

    /// <summary>The hash lists in use.</summary>
    public HashListIndex Index => _index;

    /// <summary>Swaps in new hash lists (for example after the host's list source changed); lookups in flight finish on the old ones.</summary>
    /// <param name="index">The new lists.</param>
    public void Replace(HashListIndex index) => _index = index ?? throw new ArgumentNullException(nameof(index));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ImageMatch>> MatchAsync(IReadOnlyList<ImageAttachment> attachments, CancellationToken cancellationToken = default)
    {
        if (attachments is null)
        {
            throw new ArgumentNullException(nameof(attachments));
        }

        List<ImageMatch>? matches = null;
        var index = _index;
        for (var a = 0; a < attachments.Count; a++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attachments[a] is { } attachment)
            {
                Match(index, a, attachment, ref matches);
            }
        }

        return new ValueTask<IReadOnlyList<ImageMatch>>(matches is null ? [] : matches);
    }

    /// <summary>Matches one attachment's hashes (no decoding); for tools that already hashed a file.</summary>
    /// <param name="hashes">The file's hashes.</param>
    public IReadOnlyList<ImageMatch> MatchHashes(IReadOnlyList<ContentHash> hashes)
    {
        List<ImageMatch>? matches = null;
        Match(_index, 0, ImageAttachment.FromHashes(hashes), ref matches);
        return matches is null ? [] : matches;
    }

    private void Match(HashListIndex index, int attachmentIndex, ImageAttachment attachment, ref List<ImageMatch>? matches)
    {
        var fileHashes = new List<ContentHash>();
        var pdqQueries = new List<PdqHash>();
        int? quality = null;
        foreach (var given in attachment.Hashes ?? [])
        {
            if (given?.Type is null || given.Value is null)
            {
                continue;
            }

            var type = given.Type.ToLowerInvariant();
            var value = given.Value.ToLowerInvariant();
            if (ContentHashTypes.HexLength(type) != value.Length || !HashListReader.IsHex(value))
            {
                continue; // A malformed device hash cannot match anything.
            }

            fileHashes.Add(new ContentHash(type, value) { Quality = given.Quality });
            if (type == ContentHashTypes.Pdq)
            {
                pdqQueries.Add(PdqHash.Parse(value));
                quality = given.Quality;
            }
        }

        if (!attachment.Content.IsEmpty)
        {
            var bytes = attachment.Content.ToArray();
            AddIfMissing(fileHashes, ContentHashTypes.Md5, ImageHasher.Md5Hex(bytes));
            AddIfMissing(fileHashes, ContentHashTypes.Sha256, ImageHasher.Sha256Hex(bytes));
            if (!fileHashes.Exists(h => h.Type == ContentHashTypes.Pdq))
            {
                try
                {
                    IReadOnlyList<PdqHash> variants;
                    if (_rotations)
                    {
                        variants = ImageHasher.HashDihedral(bytes, out var q);
                        quality = q;
                    }
                    else
                    {
                        var single = ImageHasher.Hash(bytes);
                        variants = [single.Pdq];
                        quality = single.Quality;
                    }

                    fileHashes.Insert(0, new ContentHash(ContentHashTypes.Pdq, variants[0].ToString()) { Quality = quality });
                    pdqQueries.AddRange(variants);
                }
                catch (ImageDecodeException)
                {
                    // Not decodable: the exact hashes still match.
                }
            }
        }

        foreach (var hash in fileHashes)
        {
            if (hash.Type != ContentHashTypes.Pdq)
            {
                foreach (var entry in index.MatchExact(hash.Type, hash.Value))
                {
                    (matches ??= []).Add(NewMatch(attachmentIndex, attachment, entry, 0, fileHashes));
                }
            }
        }

        if (pdqQueries.Count > 0 && (quality is null || quality >= _minQuality) && index.PdqCount > 0)
        {
            var seen = new HashSet<HashListEntry>();
            foreach (var query in pdqQueries)
            {
                foreach (var (entry, distance) in index.MatchPdq(query, _threshold))
                {
                    if (seen.Add(entry))
                    {
                        (matches ??= []).Add(NewMatch(attachmentIndex, attachment, entry, distance, fileHashes));
                    }
                }
            }
        }
    }

    private static ImageMatch NewMatch(int attachmentIndex, ImageAttachment attachment, HashListEntry entry, int distance, IReadOnlyList<ContentHash> fileHashes) =>
        new(attachmentIndex, entry.ListName, entry.HashType, entry.Hash, distance)
        {
            Label = entry.Label,
            AttachmentId = attachment.Id,
            FileHashes = fileHashes,
        };

    private static void AddIfMissing(List<ContentHash> hashes, string type, string value)
    {
        if (!hashes.Exists(h => h.Type == type))
        {
            hashes.Add(new ContentHash(type, value));
        }
    }
}
