namespace SafeChat.Inference.Text;

/// <summary>
/// Built-in fold of the alphabets evasion uses most (fullwidth, mathematical, circled, super/subscript and accented
/// Latin letters and digits) to ASCII, from the generated table in <c>FoldTable.g.cs</c>. It gives the same result
/// on every host, including .NET's invariant-globalization mode where <see cref="string.Normalize()"/> does nothing.
/// </summary>
internal static partial class FoldTable
{
    /// <summary>Finds the ASCII letter or digit a code point folds to.</summary>
    public static bool TryFold(int codePoint, out char ascii)
    {
        int index = Array.BinarySearch(CodePoints, codePoint);
        ascii = index >= 0 ? Targets[index] : '\0';
        return index >= 0;
    }
}
