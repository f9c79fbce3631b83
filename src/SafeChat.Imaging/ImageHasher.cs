using System.Security.Cryptography;
using StbImageSharp;

namespace SafeChat.Imaging;

/// <summary>
/// Decodes an image (JPEG, PNG, BMP, GIF's first frame, TGA, PSD, HDR, PIC; StbImageSharp, pure managed) and computes
/// its <see cref="ImageHashes"/>. Thread-safe. Works on the device (netstandard2.1), so a client can hash an image and
/// send only the hashes.
/// </summary>
public static class ImageHasher
{
    /// <summary>The largest image, in pixels, that is decoded (a 16384 × 16384 image): larger ones are refused.</summary>
    public const long MaxPixels = 16384L * 16384L;

    /// <summary>Hashes an image file's bytes.</summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <exception cref="ImageDecodeException">The bytes are not an image the decoder reads.</exception>
    public static ImageHashes Hash(byte[] bytes)
    {
        if (bytes is null)
        {
            throw new ArgumentNullException(nameof(bytes));
        }

        var (luma, width, height) = DecodeLuma(bytes);
        var pdq = PdqHasher.HashLuma(luma, height, width);
        return new ImageHashes
        {
            Pdq = pdq.Hash,
            Quality = pdq.Quality,
            Md5 = Md5Hex(bytes),
            Sha256 = Sha256Hex(bytes),
            Width = width,
            Height = height,
        };
    }

    /// <summary>Hashes an image file's bytes and returns the PDQ hashes of its eight rotations and flips (by <see cref="PdqDihedral"/>).</summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <param name="quality">The PDQ quality.</param>
    /// <exception cref="ImageDecodeException">The bytes are not an image the decoder reads.</exception>
    public static IReadOnlyList<PdqHash> HashDihedral(byte[] bytes, out int quality)
    {
        if (bytes is null)
        {
            throw new ArgumentNullException(nameof(bytes));
        }

        var (luma, width, height) = DecodeLuma(bytes);
        return PdqHasher.HashLumaDihedral(luma, height, width, out quality);
    }

    /// <summary>The MD5 of <paramref name="bytes"/> in lowercase hex.</summary>
    public static string Md5Hex(byte[] bytes)
    {
#pragma warning disable CA5351 // MD5 is what the industry's hash lists use for exact matching; it is not used for security here.
        using var md5 = MD5.Create();
        return Hex(md5.ComputeHash(bytes));
#pragma warning restore CA5351
    }

    /// <summary>The SHA-256 of <paramref name="bytes"/> in lowercase hex.</summary>
    public static string Sha256Hex(byte[] bytes)
    {
        using var sha = SHA256.Create();
        return Hex(sha.ComputeHash(bytes));
    }

    internal static string Hex(byte[] bytes)
    {
        const string digits = "0123456789abcdef";
        var chars = new char[bytes.Length * 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = digits[bytes[i] >> 4];
            chars[(2 * i) + 1] = digits[bytes[i] & 15];
        }

        return new string(chars);
    }

    private static (float[] Luma, int Width, int Height) DecodeLuma(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw new ImageDecodeException("The image is empty (0 bytes).");
        }

        if (JpegHeaderCheck.IsJpeg(bytes) && JpegHeaderCheck.Problem(bytes) is { } problem)
        {
            throw new ImageDecodeException("The image could not be decoded: " + problem + ".");
        }

        ImageInfo? info;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            info = ImageInfo.FromStream(stream);
        }
#pragma warning disable CA1031 // The decoder throws plain exceptions for bad input; every one becomes an ImageDecodeException.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw new ImageDecodeException("The file is not an image this decoder reads (JPEG, PNG, BMP, GIF, TGA, PSD, HDR, PIC).", ex);
        }

        if (info is null)
        {
            throw new ImageDecodeException("The file is not an image this decoder reads (JPEG, PNG, BMP, GIF, TGA, PSD, HDR, PIC).");
        }

        if (info.Value.Width <= 0 || info.Value.Height <= 0 || (long)info.Value.Width * info.Value.Height > MaxPixels)
        {
            throw new ImageDecodeException($"The image is {info.Value.Width} x {info.Value.Height} pixels; at most {MaxPixels} pixels are decoded.");
        }

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlue);
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw new ImageDecodeException("The image could not be decoded (corrupt or truncated data).", ex);
        }

        if (image?.Data is null || image.Width <= 0 || image.Height <= 0)
        {
            throw new ImageDecodeException("The image could not be decoded (no pixels).");
        }

        return (PdqHasher.LumaFromRgb(image.Data, image.Height, image.Width), image.Width, image.Height);
    }
}
