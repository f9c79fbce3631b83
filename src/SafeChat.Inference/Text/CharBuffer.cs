using System.Buffers;

namespace SafeChat.Inference.Text;

/// <summary>A growable char buffer backed by <see cref="ArrayPool{T}"/>; return it with <see cref="Dispose"/>.</summary>
internal struct CharBuffer : IDisposable
{
    private char[] _array;

    public CharBuffer(int capacity)
    {
        _array = ArrayPool<char>.Shared.Rent(Math.Max(16, capacity));
        Length = 0;
    }

    public int Length { get; private set; }

    public readonly ReadOnlySpan<char> Written => _array.AsSpan(0, Length);

    /// <summary>The written chars, for in-place edits that only shrink the text (see <see cref="Truncate"/>).</summary>
    public readonly Span<char> WrittenMutable => _array.AsSpan(0, Length);

    public void Truncate(int length) => Length = Math.Clamp(length, 0, Length);

    public void Append(char c)
    {
        if (Length == _array.Length)
        {
            Grow(1);
        }

        _array[Length++] = c;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        if (Length + text.Length > _array.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_array.AsSpan(Length));
        Length += text.Length;
    }

    public override readonly string ToString() => new(_array, 0, Length);

    public void Dispose()
    {
        char[] array = _array;
        _array = [];
        Length = 0;
        if (array.Length > 0)
        {
            ArrayPool<char>.Shared.Return(array);
        }
    }

    private void Grow(int extra)
    {
        long wanted = Math.Max((long)_array.Length * 2, (long)Length + extra);
        char[] next = ArrayPool<char>.Shared.Rent((int)Math.Min(wanted, Array.MaxLength));
        _array.AsSpan(0, Length).CopyTo(next);
        ArrayPool<char>.Shared.Return(_array);
        _array = next;
    }
}
