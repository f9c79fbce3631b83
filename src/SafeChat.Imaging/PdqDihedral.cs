namespace SafeChat.Imaging;

/// <summary>
/// The eight rotations and flips of an image (the dihedral group), in the reference implementation's order and naming.
/// </summary>
public enum PdqDihedral
{
    /// <summary>The image as it is.</summary>
    Original = 0,
    /// <summary>Rotated 90 degrees.</summary>
    Rotate90 = 1,
    /// <summary>Rotated 180 degrees.</summary>
    Rotate180 = 2,
    /// <summary>Rotated 270 degrees.</summary>
    Rotate270 = 3,
    /// <summary>Mirrored left to right (the reference's "flipx").</summary>
    FlipX = 4,
    /// <summary>Mirrored top to bottom (the reference's "flipy").</summary>
    FlipY = 5,
    /// <summary>Mirrored about the main diagonal (transposed; the reference's "flip-plus-1").</summary>
    FlipPlus1 = 6,
    /// <summary>Mirrored about the anti-diagonal (the reference's "flip-minus-1").</summary>
    FlipMinus1 = 7,
}
