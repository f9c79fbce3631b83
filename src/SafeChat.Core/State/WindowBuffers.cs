using SafeChat.Scoring;

namespace SafeChat.State;

/// <summary>
/// Per-thread window arrays, one per length up to <see cref="MaxPooledLength"/>, lent for a window that is read and let
/// go before the same thread asks for another (the engine's in-memory step hands it to an
/// <see cref="IWindowBorrowingScorer"/> and drops it when the assessment returns). The array of the requested length is
/// overwritten whole by the borrower, so nothing of an earlier window (another conversation's) can show through; a longer
/// window gets a new array.
/// </summary>
internal static class WindowBuffers
{
    /// <summary>The longest window lent from the pool (the default limits give at most 50 + 32 messages).</summary>
    public const int MaxPooledLength = 256;

    [ThreadStatic]
    private static WindowMessage[]?[]? t_byLength;

    /// <summary>An array of exactly <paramref name="length"/> elements, this thread's for that length when it is pooled.</summary>
    public static WindowMessage[] Rent(int length)
    {
        if (length == 0)
        {
            return [];
        }

        if (length > MaxPooledLength)
        {
            return new WindowMessage[length];
        }

        var byLength = t_byLength ??= new WindowMessage[]?[MaxPooledLength + 1];
        return byLength[length] ??= new WindowMessage[length];
    }
}
