namespace SafeChat.Imaging;

/// <summary>
/// Walks a JPEG's marker segments from SOI up to the start of the scan and refuses a header that is cut short or
/// inconsistent before the decoder sees it: stb_image's JPEG reader can loop for ever on a truncated header (for example
/// <c>FF D8 FF E0 00 10</c>), which would let one hostile upload hang a server thread.
/// </summary>
internal static class JpegHeaderCheck
{
    public static bool IsJpeg(byte[] bytes) => bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;

    /// <summary>Null when the header is complete (a frame header, then a scan header with data after it); otherwise the reason.</summary>
    public static string? Problem(byte[] bytes)
    {
        var position = 2;
        var sawFrame = false;
        while (true)
        {
            if (position >= bytes.Length)
            {
                return "the JPEG header is truncated (no scan data)";
            }

            if (bytes[position] != 0xFF)
            {
                return $"the JPEG header is malformed at byte {position} (expected a marker)";
            }

            while (position < bytes.Length && bytes[position] == 0xFF)
            {
                position++;
            }

            if (position >= bytes.Length)
            {
                return "the JPEG header is truncated (no scan data)";
            }

            var marker = bytes[position++];
            if (marker == 0xD8 || marker == 0xD9)
            {
                return $"the JPEG header is malformed at byte {position - 1} (unexpected {(marker == 0xD9 ? "end of image" : "start of image")})";
            }

            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            {
                continue;
            }

            if (position + 2 > bytes.Length)
            {
                return "the JPEG header is truncated (a segment length is missing)";
            }

            var length = (bytes[position] << 8) | bytes[position + 1];
            if (length < 2 || position + length > bytes.Length)
            {
                return $"the JPEG header is truncated or malformed at byte {position} (a segment runs past the end of the file)";
            }

            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            {
                sawFrame = true;
            }

            if (marker == 0xDA)
            {
                if (!sawFrame)
                {
                    return "the JPEG header has no frame header before the scan";
                }

                return position + length < bytes.Length ? null : "the JPEG is truncated (no scan data)";
            }

            position += length;
        }
    }
}
