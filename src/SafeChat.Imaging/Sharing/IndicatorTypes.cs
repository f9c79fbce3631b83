using System.Text;

namespace SafeChat.Sharing;

/// <summary>
/// The kinds of identifier platforms share as hashed indicators, and how each is normalized before hashing so that two
/// platforms hash the same person's identifier to the same value.
/// </summary>
public static class IndicatorTypes
{
    /// <summary>A platform username or user id: trimmed, lowercased, a leading <c>@</c> dropped.</summary>
    public const string Username = "username";

    /// <summary>An email address: trimmed, lowercased; for Gmail, dots and a <c>+tag</c> in the local part dropped.</summary>
    public const string Email = "email";

    /// <summary>A phone number: digits only (a leading <c>00</c> dropped), at least 7 digits.</summary>
    public const string Phone = "phone";

    /// <summary>A payment handle (Cash App <c>$tag</c>, PayPal, crypto address): trimmed, lowercased, a leading <c>$</c> or <c>@</c> dropped.</summary>
    public const string PaymentHandle = "payment_handle";

    /// <summary>A handle on another platform seen in chat (<c>snap:name</c>): lowercased, a leading <c>@</c> dropped.</summary>
    public const string ExternalHandle = "external_handle";

    /// <summary>An exact content hash (<c>sha256:hex</c> or <c>md5:hex</c>), lowercased.</summary>
    public const string ContentHash = "content_hash";

    /// <summary>All types.</summary>
    public static IReadOnlyList<string> All { get; } = [Username, Email, Phone, PaymentHandle, ExternalHandle, ContentHash];

    /// <summary>The normalized form of a raw identifier, or null when it is empty or not valid for its type.</summary>
    /// <param name="type">The indicator type.</param>
    /// <param name="raw">The raw identifier.</param>
    /// <exception cref="ArgumentException">The type is unknown.</exception>
    public static string? Normalize(string type, string? raw)
    {
        if (!All.Contains(type))
        {
            throw new ArgumentException($"Unknown indicator type '{type}'. Known types: {string.Join(", ", All)}.", nameof(type));
        }

        var value = Clean(raw);
        if (value.Length == 0)
        {
            return null;
        }

        switch (type)
        {
            case Phone:
                var digits = new StringBuilder();
                foreach (var c in value)
                {
                    if (c >= '0' && c <= '9')
                    {
                        digits.Append(c);
                    }
                }

                var phone = digits.ToString();
                if (phone.StartsWith("00", StringComparison.Ordinal))
                {
                    phone = phone.Substring(2);
                }

                return phone.Length >= 7 ? phone : null;
            case Email:
                var at = value.LastIndexOf('@');
                if (at <= 0 || at == value.Length - 1)
                {
                    return null;
                }

                var local = value.Substring(0, at);
                var domain = value.Substring(at + 1);
                if (domain is "gmail.com" or "googlemail.com")
                {
                    var plus = local.IndexOf('+');
                    local = (plus >= 0 ? local.Substring(0, plus) : local).Replace(".", string.Empty);
                    domain = "gmail.com";
                }

                return local.Length == 0 ? null : local + "@" + domain;
            case PaymentHandle:
                value = value.TrimStart('$', '@');
                return value.Length == 0 ? null : value;
            case Username:
            case ExternalHandle:
                value = value.Replace(":@", ":").TrimStart('@');
                return value.Length == 0 ? null : value;
            default:
                return value;
        }
    }

    // Trimmed, lowercased (invariant), Unicode NFKC, with invisible characters removed.
    private static string Clean(string? raw)
    {
        if (raw is null)
        {
            return string.Empty;
        }

        var builder = new StringBuilder(raw.Length);
        foreach (var c in raw.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format or System.Globalization.UnicodeCategory.Control)
            {
                continue;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
