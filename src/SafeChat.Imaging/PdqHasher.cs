namespace SafeChat.Imaging;

/// <summary>
/// PDQ, Meta's perceptual image hash, written from the published algorithm (facebook/ThreatExchange, "PDQ hashing"):
/// RGB to luminance; two passes of a Jarosz box filter whose windows are about half the downsampling step in each
/// direction; decimation to 64×64; a 2-D DCT of which the 16×16 lowest non-constant frequencies are kept; one bit per
/// coefficient, set when it exceeds the median of the 256. Quality is the sum of the absolute neighbour gradients of the
/// 64×64 image, scaled to 0–100. The eight rotations and flips come from the same 16×16 DCT by sign changes and a
/// transpose, without hashing the image again. Thread-safe: every call works on its own buffers.
/// </summary>
public static class PdqHasher
{
    private const int Downsampled = 64;
    private const int Kept = 16;
    private const int FilterPasses = 2;

    private static readonly float[] DctMatrix = BuildDctMatrix();

    /// <summary>Hashes an RGB image given as luminance (<c>0.299 R + 0.587 G + 0.114 B</c>, row-major, 0–255).</summary>
    /// <param name="luma">The luminance, <paramref name="rows"/> × <paramref name="columns"/> values; it is overwritten (used as a work buffer).</param>
    /// <param name="rows">The image height.</param>
    /// <param name="columns">The image width.</param>
    public static PdqResult HashLuma(float[] luma, int rows, int columns)
    {
        var dct = Dct16(luma, rows, columns, out var quality);
        return new PdqResult(FromDct(dct), quality);
    }

    /// <summary>Hashes an image given as luminance and returns the hashes of its eight rotations and flips, indexed by <see cref="PdqDihedral"/>.</summary>
    /// <param name="luma">The luminance, <paramref name="rows"/> × <paramref name="columns"/> values; it is overwritten.</param>
    /// <param name="rows">The image height.</param>
    /// <param name="columns">The image width.</param>
    /// <param name="quality">The quality (the same for every variant).</param>
    public static IReadOnlyList<PdqHash> HashLumaDihedral(float[] luma, int rows, int columns, out int quality)
    {
        var dct = Dct16(luma, rows, columns, out quality);
        var hashes = new PdqHash[8];
        var variant = new float[Kept * Kept];
        for (var d = 0; d < 8; d++)
        {
            Transform(dct, variant, (PdqDihedral)d);
            hashes[d] = FromDct(variant);
        }

        return hashes;
    }

    /// <summary>Converts interleaved 8-bit RGB (3 bytes a pixel, row-major) to the luminance PDQ hashes.</summary>
    /// <param name="rgb">The pixels.</param>
    /// <param name="rows">The image height.</param>
    /// <param name="columns">The image width.</param>
    public static float[] LumaFromRgb(ReadOnlySpan<byte> rgb, int rows, int columns)
    {
        if (rows <= 0 || columns <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), "An image needs at least one row and one column.");
        }

        var count = checked(rows * columns);
        if (rgb.Length < count * 3)
        {
            throw new ArgumentException("The RGB buffer is smaller than rows × columns × 3.", nameof(rgb));
        }

        var luma = new float[count];
        for (int i = 0, p = 0; i < count; i++, p += 3)
        {
            luma[i] = (0.299f * rgb[p]) + (0.587f * rgb[p + 1]) + (0.114f * rgb[p + 2]);
        }

        return luma;
    }

    // The 16×16 DCT (row-major, row = vertical frequency) and the quality.
    private static float[] Dct16(float[] luma, int rows, int columns, out int quality)
    {
        if (luma is null)
        {
            throw new ArgumentNullException(nameof(luma));
        }

        if (rows <= 0 || columns <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), "An image needs at least one row and one column.");
        }

        if (luma.Length < checked(rows * columns))
        {
            throw new ArgumentException("The luminance buffer is smaller than rows × columns.", nameof(luma));
        }

        var scratch = new float[rows * columns];
        var windowAlongRows = JaroszWindow(columns);
        var windowAlongColumns = JaroszWindow(rows);
        for (var pass = 0; pass < FilterPasses; pass++)
        {
            for (var r = 0; r < rows; r++)
            {
                Box1D(luma, scratch, r * columns, columns, 1, windowAlongRows);
            }

            for (var c = 0; c < columns; c++)
            {
                Box1D(scratch, luma, c, rows, columns, windowAlongColumns);
            }
        }

        var small = new float[Downsampled * Downsampled];
        for (var i = 0; i < Downsampled; i++)
        {
            var sourceRow = (int)((i + 0.5) * rows / Downsampled);
            for (var j = 0; j < Downsampled; j++)
            {
                var sourceColumn = (int)((j + 0.5) * columns / Downsampled);
                small[(i * Downsampled) + j] = luma[(sourceRow * columns) + sourceColumn];
            }
        }

        quality = Quality(small);

        // B = D · A · Dᵀ, with D the 16×64 DCT-II rows for frequencies 1 to 16.
        var temp = new float[Kept * Downsampled];
        for (var i = 0; i < Kept; i++)
        {
            for (var j = 0; j < Downsampled; j++)
            {
                var sum = 0f;
                for (var k = 0; k < Downsampled; k++)
                {
                    sum += DctMatrix[(i * Downsampled) + k] * small[(k * Downsampled) + j];
                }

                temp[(i * Downsampled) + j] = sum;
            }
        }

        var dct = new float[Kept * Kept];
        for (var i = 0; i < Kept; i++)
        {
            for (var j = 0; j < Kept; j++)
            {
                var sum = 0f;
                for (var k = 0; k < Downsampled; k++)
                {
                    sum += temp[(i * Downsampled) + k] * DctMatrix[(j * Downsampled) + k];
                }

                dct[(i * Kept) + j] = sum;
            }
        }

        return dct;
    }

    // Roughly half the decimation step, so that two passes approximate a tent filter over one output pixel.
    private static int JaroszWindow(int oldDimension) => (oldDimension + (2 * Downsampled) - 1) / (2 * Downsampled);

    // A moving average of `window` values centred on each element, with shrinking windows at both ends.
    private static void Box1D(float[] input, float[] output, int start, int length, int stride, int window)
    {
        var half = (window + 2) / 2;
        var phase1 = half - 1;
        var phase2 = window - half + 1;
        var phase3 = length - window;
        var phase4 = half - 1;
        int left = start, right = start, written = start;
        var sum = 0f;
        var current = 0;
        for (var i = 0; i < phase1 && current < length; i++)
        {
            sum += input[right];
            current++;
            right += stride;
        }

        for (var i = 0; i < phase2; i++)
        {
            if (current < length)
            {
                sum += input[right];
                current++;
                right += stride;
            }

            output[written] = sum / current;
            written += stride;
        }

        for (var i = 0; i < phase3; i++)
        {
            sum += input[right];
            sum -= input[left];
            output[written] = sum / current;
            left += stride;
            right += stride;
            written += stride;
        }

        for (var i = 0; i < phase4 && (written - start) / stride < length; i++)
        {
            sum -= input[left];
            current--;
            output[written] = sum / current;
            left += stride;
            written += stride;
        }
    }

    private static int Quality(float[] small)
    {
        var gradientSum = 0;
        for (var i = 0; i < Downsampled - 1; i++)
        {
            for (var j = 0; j < Downsampled; j++)
            {
                var d = (int)((small[(i * Downsampled) + j] - small[((i + 1) * Downsampled) + j]) * 100 / 255);
                gradientSum += Math.Abs(d);
            }
        }

        for (var i = 0; i < Downsampled; i++)
        {
            for (var j = 0; j < Downsampled - 1; j++)
            {
                var d = (int)((small[(i * Downsampled) + j] - small[(i * Downsampled) + j + 1]) * 100 / 255);
                gradientSum += Math.Abs(d);
            }
        }

        return Math.Min(100, gradientSum / 90);
    }

    private static PdqHash FromDct(float[] dct)
    {
        // The median is the 128th smallest of the 256 coefficients; a bit is set when its coefficient is above it.
        var sorted = (float[])dct.Clone();
        Array.Sort(sorted);
        var median = sorted[(dct.Length / 2) - 1];
        Span<ulong> words = stackalloc ulong[4];
        for (var k = 0; k < dct.Length; k++)
        {
            if (dct[k] > median)
            {
                words[k >> 6] |= 1UL << (k & 63);
            }
        }

        return new PdqHash(words[0], words[1], words[2], words[3]);
    }

    // Coefficient (i, j) has frequencies i + 1 and j + 1 (the constant term is dropped): reversing the rows of the image
    // negates the coefficients whose vertical frequency is odd (even i), reversing the columns those with even j, and a
    // transpose of the image transposes the coefficients.
    private static void Transform(float[] a, float[] b, PdqDihedral variant)
    {
        for (var i = 0; i < Kept; i++)
        {
            for (var j = 0; j < Kept; j++)
            {
                var value = a[(i * Kept) + j];
                var rowsReversedSign = (i & 1) == 0 ? -1f : 1f;
                var columnsReversedSign = (j & 1) == 0 ? -1f : 1f;
                switch (variant)
                {
                    case PdqDihedral.Original:
                        b[(i * Kept) + j] = value;
                        break;
                    case PdqDihedral.Rotate90:
                        b[(j * Kept) + i] = columnsReversedSign * value;
                        break;
                    case PdqDihedral.Rotate180:
                        b[(i * Kept) + j] = rowsReversedSign * columnsReversedSign * value;
                        break;
                    case PdqDihedral.Rotate270:
                        b[(j * Kept) + i] = rowsReversedSign * value;
                        break;
                    case PdqDihedral.FlipX:
                        b[(i * Kept) + j] = rowsReversedSign * value;
                        break;
                    case PdqDihedral.FlipY:
                        b[(i * Kept) + j] = columnsReversedSign * value;
                        break;
                    case PdqDihedral.FlipPlus1:
                        b[(j * Kept) + i] = value;
                        break;
                    default:
                        b[(j * Kept) + i] = rowsReversedSign * columnsReversedSign * value;
                        break;
                }
            }
        }
    }

    private static float[] BuildDctMatrix()
    {
        var matrix = new float[Kept * Downsampled];
        var scale = Math.Sqrt(2.0 / Downsampled);
        for (var i = 0; i < Kept; i++)
        {
            for (var j = 0; j < Downsampled; j++)
            {
                matrix[(i * Downsampled) + j] = (float)(scale * Math.Cos(Math.PI / 2 / Downsampled * (i + 1) * ((2 * j) + 1)));
            }
        }

        return matrix;
    }
}
