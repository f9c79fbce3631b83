using System.Security.Cryptography;
using System.Text;

namespace SafeChat.Evidence;

/// <summary>Lower-case hex SHA-256, written once for both target frameworks.</summary>
internal static class Sha256Hex
{
    public static string Of(string text) => Of(Encoding.UTF8.GetBytes(text ?? string.Empty));

    public static string Of(byte[] bytes)
    {
        using var sha = SHA256.Create();
        return ToHex(sha.ComputeHash(bytes));
    }

    public static string ToHex(byte[] bytes)
    {
        var chars = new char[bytes.Length * 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = Digit(bytes[i] >> 4);
            chars[(2 * i) + 1] = Digit(bytes[i] & 0xF);
        }

        return new string(chars);

        static char Digit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);
    }

    public static bool IsHex64(string? value)
    {
        if (value is null || value.Length != 64)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(c is >= '0' and <= '9' || c is >= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
