namespace SafeChat.Imaging;

/// <summary>Settings of a <see cref="HashListMatcher"/>.</summary>
public sealed class HashListMatcherOptions
{
    /// <summary>The default PDQ match threshold: the distance the PDQ authors recommend (31 of 256 bits).</summary>
    public const int DefaultPdqThreshold = 31;

    /// <summary>The default quality floor: the PDQ authors' advice to ignore hashes of quality below 50.</summary>
    public const int DefaultMinQuality = 50;

    /// <summary>The largest Hamming distance that counts as a PDQ match. Default 31; 0 to 256.</summary>
    public int PdqThreshold { get; set; } = DefaultPdqThreshold;

    /// <summary>
    /// PDQ hashes of lower quality (flat, tiny or blank images, which collide easily) are not matched by PDQ; their exact
    /// hashes still are. A device-computed PDQ hash without a quality is matched. Default 50; 0 to 100.
    /// </summary>
    public int MinQuality { get; set; } = DefaultMinQuality;

    /// <summary>
    /// Also match the seven rotations and flips of an image given as bytes (PDQ lists usually hold one orientation). The
    /// eight hashes come from one transform, so the cost is eight index lookups, not eight hashings. Default true.
    /// </summary>
    public bool MatchRotationsAndFlips { get; set; } = true;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (PdqThreshold < 0 || PdqThreshold > PdqHash.Bits)
        {
            throw new ArgumentOutOfRangeException(nameof(PdqThreshold), PdqThreshold, "PdqThreshold must be 0 to 256.");
        }

        if (MinQuality < 0 || MinQuality > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MinQuality), MinQuality, "MinQuality must be 0 to 100.");
        }
    }
}
