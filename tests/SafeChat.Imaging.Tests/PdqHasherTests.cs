namespace SafeChat.Imaging.Tests;

public class PdqHasherTests
{
    private const string Original = "bridge-mods/aaa-orig.jpg";

    [Fact]
    public void Hash_ReferenceOriginal_WithinTenBitsOfCppReference()
    {
        var expected = ReferenceImages.Expected("expected-cpp-dih.csv")[0].Hash;

        var ours = ImageHasher.Hash(ReferenceImages.Read(Original));

        Assert.True(ours.Pdq.DistanceTo(expected) <= 10, $"{ours.Pdq.DistanceTo(expected)} bits from the C++ reference");
        Assert.InRange(ours.Quality, 50, 100);
    }

    // The edits' expected hashes come from the Python reference (PIL decoding and resizing), which is itself 4 bits from
    // the C++ reference on the unedited file. Measured: 0 bits on the four small files, 4 to 8 on the large ones, 12 on
    // "sharpen-a-lot" (the most high-frequency edit, the most sensitive to the decoder): within 16 here, within 31 of
    // the original always.
    [Fact]
    public void Hash_TwelveEdits_EachCloseToPythonReferenceAndWithin31OfOriginal()
    {
        var original = ImageHasher.Hash(ReferenceImages.Read(Original)).Pdq;
        var rows = ReferenceImages.Expected("expected-python-bridge-mods.csv");
        Assert.Equal(12, rows.Count);
        foreach (var (expected, file) in rows)
        {
            var ours = ImageHasher.Hash(ReferenceImages.Read(file)).Pdq;
            Assert.True(ours.DistanceTo(expected) <= 16, $"{file}: {ours.DistanceTo(expected)} bits from the reference");
            Assert.True(ours.DistanceTo(original) <= 31, $"{file}: {ours.DistanceTo(original)} bits from the original");
        }
    }

    [Fact]
    public void HashDihedral_Original_EachVariantWithinTenBitsOfReferenceFile()
    {
        var expected = ReferenceImages.Expected("expected-cpp-dih.csv");

        var variants = ImageHasher.HashDihedral(ReferenceImages.Read(Original), out var quality);

        Assert.Equal(8, variants.Count);
        Assert.InRange(quality, 50, 100);
        for (var d = 0; d < 8; d++)
        {
            Assert.True(variants[d].DistanceTo(expected[d].Hash) <= 10, $"{(PdqDihedral)d} ({expected[d].File}): {variants[d].DistanceTo(expected[d].Hash)} bits");
        }
    }

    [Fact]
    public void HashDihedral_FirstVariant_EqualsPlainHash()
    {
        var bytes = ReferenceImages.Read(Original);

        var variants = ImageHasher.HashDihedral(bytes, out _);

        Assert.Equal(ImageHasher.Hash(bytes).Pdq, variants[(int)PdqDihedral.Original]);
    }

    [Fact]
    public void Hash_UnrelatedPhotos_FarApart()
    {
        var files = Directory.GetFiles(ReferenceImages.PathOf("labelme-subset"), "*.jpg").Order(StringComparer.Ordinal).ToList();
        files.Add(ReferenceImages.PathOf(Original));
        var hashes = files.Select(f => ImageHasher.Hash(File.ReadAllBytes(f)).Pdq).ToList();
        Assert.Equal(8, hashes.Count);
        for (var i = 0; i < hashes.Count; i++)
        {
            for (var j = i + 1; j < hashes.Count; j++)
            {
                Assert.True(hashes[i].DistanceTo(hashes[j]) > 70, $"{Path.GetFileName(files[i])} vs {Path.GetFileName(files[j])}: {hashes[i].DistanceTo(hashes[j])} bits");
            }
        }
    }

    [Fact]
    public void Hash_ReferenceOriginal_ExactHashesAreThoseOfTheBytes()
    {
        var bytes = ReferenceImages.Read(Original);

        var hashes = ImageHasher.Hash(bytes);

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), hashes.Sha256);
#pragma warning disable CA5351
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes)), hashes.Md5);
#pragma warning restore CA5351
        Assert.Equal(3, hashes.ToContentHashes().Count);
    }

    [Fact]
    public void Hash_FlatImage_LowQuality()
    {
        var luma = Enumerable.Repeat(128f, 200 * 300).ToArray();

        var result = PdqHasher.HashLuma(luma, 200, 300);

        Assert.Equal(0, result.Quality);
    }

    [Fact]
    public void Hash_TinyImage_DoesNotThrow()
    {
        var result = PdqHasher.HashLuma([10f, 200f, 30f, 90f], 2, 2);

        Assert.InRange(result.Hash.BitCount, 0, 256);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4 })]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10 })]
    public void Hash_NotAnImage_ThrowsImageDecodeException(byte[] bytes)
    {
        Assert.Throws<ImageDecodeException>(() => ImageHasher.Hash(bytes));
    }

    [Fact]
    public void Hash_EveryTruncationOfAJpegHeader_RefusedOrHashedNeverHangs()
    {
        var bytes = ReferenceImages.Read("labelme-subset/q0003.jpg");
        for (var length = 1; length < 800; length++)
        {
            var error = Record.Exception(() => ImageHasher.Hash(bytes.AsSpan(0, length).ToArray()));

            Assert.True(error is null or ImageDecodeException, $"{length}: {error?.GetType().Name}");
        }
    }

    [Fact]
    public void Hash_EmptyBytes_ThrowsImageDecodeException()
    {
        Assert.Throws<ImageDecodeException>(() => ImageHasher.Hash([]));
    }

    [Fact]
    public void TruncatedJpeg_ThrowsImageDecodeExceptionOrHashes()
    {
        var bytes = ReferenceImages.Read("labelme-subset/q0003.jpg");
        var truncated = bytes.AsSpan(0, bytes.Length / 3).ToArray();

        var error = Record.Exception(() => ImageHasher.Hash(truncated));

        Assert.True(error is null or ImageDecodeException, error?.GetType().Name);
    }
}
