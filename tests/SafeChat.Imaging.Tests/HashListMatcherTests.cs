using SafeChat.Conversations;

namespace SafeChat.Imaging.Tests;

public class HashListMatcherTests
{
    private static readonly byte[] Original = ReferenceImages.Read("bridge-mods/aaa-orig.jpg");

    private static HashListMatcher MatcherFor(params HashListEntry[] entries) => new(HashListIndex.Build(entries));

    [Fact]
    public async Task MatchAsync_EditedCopyOfListedImage_MatchesByPdq()
    {
        var listed = ImageHasher.Hash(Original);
        var matcher = MatcherFor(new HashListEntry("pdq", listed.Pdq.ToString(), "test-list", "A1"));
        var edited = ReferenceImages.Read("bridge-mods/blur-a-lot.jpg");

        var matches = await matcher.MatchAsync([ImageAttachment.FromBytes(edited) with { Id = "att-1" }]);

        var match = Assert.Single(matches);
        Assert.Equal(("test-list", "pdq", "A1", "att-1", 0), (match.ListName, match.HashType, match.Label, match.AttachmentId, match.AttachmentIndex));
        Assert.InRange(match.Distance, 1, 31);
        Assert.Equal(["pdq", "md5", "sha256"], match.FileHashes.Select(h => h.Type));
        Assert.Equal(ImageHasher.Sha256Hex(edited), match.FileHashes[2].Value);
    }

    [Fact]
    public async Task MatchAsync_RotatedCopy_MatchesThroughDihedralVariants()
    {
        var rotated = ImageHasher.HashDihedral(Original, out _)[(int)PdqDihedral.Rotate90];
        var matcher = MatcherFor(new HashListEntry("pdq", rotated.ToString(), "rotated-list"));

        var matches = await matcher.MatchAsync([ImageAttachment.FromBytes(Original)]);

        Assert.Equal("rotated-list", Assert.Single(matches).ListName);
    }

    [Fact]
    public async Task MatchAsync_RotationsOff_RotatedCopyNotMatched()
    {
        var rotated = ImageHasher.HashDihedral(Original, out _)[(int)PdqDihedral.Rotate90];
        var matcher = new HashListMatcher(HashListIndex.Build([new HashListEntry("pdq", rotated.ToString(), "rotated-list")]), new HashListMatcherOptions { MatchRotationsAndFlips = false });

        Assert.Empty(await matcher.MatchAsync([ImageAttachment.FromBytes(Original)]));
    }

    [Fact]
    public async Task MatchAsync_UnrelatedImage_NoMatch()
    {
        var matcher = MatcherFor(new HashListEntry("pdq", ImageHasher.Hash(Original).Pdq.ToString(), "test-list"));

        var matches = await matcher.MatchAsync([ImageAttachment.FromBytes(ReferenceImages.Read("labelme-subset/q1050.jpg"))]);

        Assert.Empty(matches);
    }

    [Fact]
    public async Task MatchAsync_DeviceHashesOnly_ExactSha256Matches()
    {
        var sha = ImageHasher.Sha256Hex(Original);
        var matcher = MatcherFor(new HashListEntry("sha256", sha.ToUpperInvariant(), "exact-list"));

        var matches = await matcher.MatchAsync([ImageAttachment.FromHashes([new ContentHash("SHA256", sha)])]);

        var match = Assert.Single(matches);
        Assert.Equal(("exact-list", "sha256", 0), (match.ListName, match.HashType, match.Distance));
    }

    [Fact]
    public async Task MatchAsync_LowQualityDeviceHash_PdqIgnored()
    {
        var pdq = ImageHasher.Hash(Original).Pdq.ToString();
        var matcher = MatcherFor(new HashListEntry("pdq", pdq, "test-list"));

        var low = await matcher.MatchAsync([ImageAttachment.FromHashes([new ContentHash("pdq", pdq) { Quality = 10 }])]);
        var good = await matcher.MatchAsync([ImageAttachment.FromHashes([new ContentHash("pdq", pdq) { Quality = 90 }])]);

        Assert.Empty(low);
        Assert.Single(good);
    }

    [Fact]
    public async Task MatchAsync_UndecodableBytes_ExactHashStillMatches()
    {
        byte[] bytes = [1, 2, 3, 4, 5];
        var matcher = MatcherFor(new HashListEntry("md5", ImageHasher.Md5Hex(bytes), "exact-list"));

        var matches = await matcher.MatchAsync([ImageAttachment.FromBytes(bytes)]);

        Assert.Equal("md5", Assert.Single(matches).HashType);
    }

    [Fact]
    public async Task MatchAsync_MalformedDeviceHash_IgnoredNotThrown()
    {
        var matcher = MatcherFor(new HashListEntry("md5", new string('a', 32), "exact-list"));

        var matches = await matcher.MatchAsync([ImageAttachment.FromHashes([new ContentHash("md5", "zz"), new ContentHash("nope", "aa")])]);

        Assert.Empty(matches);
    }

    [Fact]
    public async Task Replace_NewLists_UsedForNextLookup()
    {
        var matcher = MatcherFor();
        var attachment = ImageAttachment.FromHashes([new ContentHash("md5", new string('c', 32))]);
        Assert.Empty(await matcher.MatchAsync([attachment]));

        matcher.Replace(HashListIndex.Build([new HashListEntry("md5", new string('c', 32), "new-list")]));

        Assert.Single(await matcher.MatchAsync([attachment]));
    }

    [Fact]
    public void FromFiles_BadLine_ErrorNamesFileAndLine()
    {
        var path = Path.Combine(Path.GetTempPath(), "safechat-list-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, "md5," + new string('1', 32) + ",ok\nmd5,123,bad\n");
        try
        {
            var error = Assert.Throws<HashListFormatException>(() => HashListIndex.FromFiles(path));

            Assert.StartsWith(Path.GetFileName(path) + ":2: ", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
