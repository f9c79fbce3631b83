namespace SafeChat.Inference.Caching;

/// <summary>A 128-bit keyed hash of a text (see <see cref="SipHash128"/>): what a <see cref="TextOutputCache{TValue}"/> keeps instead of the text.</summary>
internal readonly struct TextKey : IEquatable<TextKey>
{
    /// <summary>Creates a key from its two 64-bit halves.</summary>
    public TextKey(ulong low, ulong high)
    {
        Low = low;
        High = high;
    }

    /// <summary>The low 64 bits (the first 8 output bytes, little-endian).</summary>
    public ulong Low { get; }

    /// <summary>The high 64 bits (the last 8 output bytes, little-endian).</summary>
    public ulong High { get; }

    /// <inheritdoc />
    public bool Equals(TextKey other) => Low == other.Low && High == other.High;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TextKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => unchecked((int)Low);
}
