#if !NET
// netstandard2.1 (Unity) lacks helpers that the inference code uses on net10.0. These internal stand-ins give the
// same results on the same input; the net10.0 build keeps the framework's (vectorized) versions. C# 14 extension
// blocks let the shared source call them with the framework's names (ArgumentNullException.ThrowIfNull, ...).
#pragma warning disable CA1034, CA1708, CA1711, CA1716, CA1720, CA1815, CA2225, CA2231, CS1591, IDE0130
namespace System.Runtime.CompilerServices
{
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    internal sealed class CallerArgumentExpressionAttribute(string parameterName) : Attribute
    {
        public string ParameterName { get; } = parameterName;
    }
}

namespace System.Buffers
{
    /// <summary>A fixed set of characters to search for (stand-in for the .NET 8 type).</summary>
    /// <typeparam name="T">The element type; only <see cref="char"/> is used.</typeparam>
    internal sealed class SearchValues<T>
        where T : IEquatable<T>
    {
        internal SearchValues(T[] values) => Values = values;

        internal T[] Values { get; }
    }

    /// <summary>Creates <see cref="SearchValues{T}"/> instances.</summary>
    internal static class SearchValues
    {
        public static SearchValues<char> Create(string values) => new(values.ToCharArray());
    }
}

namespace System.Text
{
    using System.Buffers;
    using System.Globalization;

    /// <summary>ASCII helpers (stand-in for the .NET 8 type; only the members SafeChat uses).</summary>
    internal static class Ascii
    {
        public static bool IsValid(ReadOnlySpan<char> value)
        {
            foreach (char c in value)
            {
                if (c > '\x7f')
                {
                    return false;
                }
            }

            return true;
        }

        public static OperationStatus ToLower(ReadOnlySpan<char> source, Span<char> destination, out int charsWritten)
        {
            int length = Math.Min(source.Length, destination.Length);
            for (int i = 0; i < length; i++)
            {
                char c = source[i];
                if (c > '\x7f')
                {
                    charsWritten = i;
                    return OperationStatus.InvalidData;
                }

                destination[i] = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
            }

            charsWritten = length;
            return length < source.Length ? OperationStatus.DestinationTooSmall : OperationStatus.Done;
        }
    }

    /// <summary>A Unicode scalar value (stand-in for the .NET Core 3.0 type; only the members SafeChat uses).</summary>
    internal readonly struct Rune
    {
        private readonly int _value;

        public Rune(int value)
        {
            if ((uint)value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
            {
                throw new ArgumentOutOfRangeException(nameof(value));
            }

            _value = value;
        }

        public Rune(char highSurrogate, char lowSurrogate)
            : this(char.ConvertToUtf32(highSurrogate, lowSurrogate))
        {
        }

        public int Value => _value;

        public int Utf16SequenceLength => _value < 0x10000 ? 1 : 2;

        public static Rune ToLowerInvariant(Rune value)
        {
            if (value._value < 0x10000)
            {
                return new Rune(char.ToLowerInvariant((char)value._value));
            }

            string lower = char.ConvertFromUtf32(value._value).ToLowerInvariant();
            return lower.Length == 2 && char.IsSurrogatePair(lower[0], lower[1])
                ? new Rune(char.ConvertToUtf32(lower[0], lower[1]))
                : value;
        }

        public static bool IsLetterOrDigit(Rune value) => GetUnicodeCategory(value) is UnicodeCategory.UppercaseLetter
            or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
            or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber;

        public static UnicodeCategory GetUnicodeCategory(Rune value) => value._value < 0x10000
            ? CharUnicodeInfo.GetUnicodeCategory((char)value._value)
            : CharUnicodeInfo.GetUnicodeCategory(char.ConvertFromUtf32(value._value), 0);

        public int EncodeToUtf16(Span<char> destination)
        {
            if (_value < 0x10000)
            {
                destination[0] = (char)_value;
                return 1;
            }

            string pair = char.ConvertFromUtf32(_value);
            destination[0] = pair[0];
            destination[1] = pair[1];
            return 2;
        }
    }
}

namespace System
{
    using System.Buffers;
    using System.Diagnostics.CodeAnalysis;
    using System.Runtime.CompilerServices;

    /// <summary>Static helpers that .NET 6-9 added to framework types, as C# 14 static extension members.</summary>
    internal static class FrameworkPolyfills
    {
        extension(ArgumentNullException)
        {
            public static void ThrowIfNull([NotNull] object? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
            {
                if (argument is null)
                {
                    throw new ArgumentNullException(paramName);
                }
            }
        }

        extension(ArgumentException)
        {
            public static void ThrowIfNullOrEmpty([NotNull] string? argument, [CallerArgumentExpression(nameof(argument))] string? paramName = null)
            {
                ArgumentNullException.ThrowIfNull(argument, paramName);
                if (argument.Length == 0)
                {
                    throw new ArgumentException("The value cannot be an empty string.", paramName);
                }
            }
        }

        extension(ArgumentOutOfRangeException)
        {
            public static void ThrowIfNegative(int value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
            {
                if (value < 0)
                {
                    throw new ArgumentOutOfRangeException(paramName, value, "The value must be non-negative.");
                }
            }

            public static void ThrowIfZero(int value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
            {
                if (value == 0)
                {
                    throw new ArgumentOutOfRangeException(paramName, value, "The value must not be zero.");
                }
            }

            public static void ThrowIfNegativeOrZero(int value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
            {
                if (value <= 0)
                {
                    throw new ArgumentOutOfRangeException(paramName, value, "The value must be positive.");
                }
            }
        }

        extension(ObjectDisposedException)
        {
            public static void ThrowIf([DoesNotReturnIf(true)] bool condition, object instance)
            {
                if (condition)
                {
                    throw new ObjectDisposedException(instance.GetType().FullName);
                }
            }
        }

        extension(char)
        {
            public static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

            public static bool IsAsciiLetter(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a';

            public static bool IsAsciiLetterLower(char c) => c is >= 'a' and <= 'z';

            public static bool IsAsciiLetterOrDigit(char c) => char.IsAsciiLetter(c) || char.IsAsciiDigit(c);

            public static bool IsAsciiHexDigit(char c) => char.IsAsciiDigit(c) || (uint)((c | 0x20) - 'a') <= 'f' - 'a';
        }

        extension(Array)
        {
            public static int MaxLength => 0x7FFFFFC7;
        }

        extension(Convert)
        {
            public static string ToHexStringLower(ReadOnlySpan<byte> bytes)
            {
                const string Digits = "0123456789abcdef";
                var chars = new char[bytes.Length * 2];
                for (int i = 0; i < bytes.Length; i++)
                {
                    chars[2 * i] = Digits[bytes[i] >> 4];
                    chars[(2 * i) + 1] = Digits[bytes[i] & 0xF];
                }

                return new string(chars);
            }
        }

        extension(IO.Path)
        {
            public static bool EndsInDirectorySeparator(string? path) =>
                !string.IsNullOrEmpty(path) && (path![path.Length - 1] == IO.Path.DirectorySeparatorChar
                    || path[path.Length - 1] == IO.Path.AltDirectorySeparatorChar);
        }

        extension(Security.Cryptography.SHA256)
        {
            public static byte[] HashData(byte[] source)
            {
                using var sha = Security.Cryptography.SHA256.Create();
                return sha.ComputeHash(source);
            }
        }

        extension(string text)
        {
            public void CopyTo(Span<char> destination) => text.AsSpan().CopyTo(destination);
        }

        public static bool Contains(this ReadOnlySpan<char> span, char value) => span.IndexOf(value) >= 0;

        public static bool ContainsAny(this ReadOnlySpan<char> span, SearchValues<char> values) =>
            span.IndexOfAny(values.Values) >= 0;

        public static bool ContainsAny(this Span<char> span, SearchValues<char> values) =>
            ((ReadOnlySpan<char>)span).IndexOfAny(values.Values) >= 0;

        public static bool ContainsAnyExcept(this ReadOnlySpan<char> span, char value)
        {
            foreach (char c in span)
            {
                if (c != value)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Sorts ascending (insertion sort: SafeChat sorts only short spans).</summary>
        public static void Sort<T>(this Span<T> span)
            where T : IComparable<T>
        {
            for (int i = 1; i < span.Length; i++)
            {
                T item = span[i];
                int j = i - 1;
                while (j >= 0 && span[j].CompareTo(item) > 0)
                {
                    span[j + 1] = span[j];
                    j--;
                }

                span[j + 1] = item;
            }
        }
    }
}
#endif
