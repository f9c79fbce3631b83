using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SafeChat.Webhooks;

/// <summary>How a signature check ended.</summary>
public enum WebhookSignatureStatus
{
    /// <summary>The signature matches and the timestamp is within tolerance.</summary>
    Valid = 0,
    /// <summary>A header is missing or not in the expected format.</summary>
    Malformed = 1,
    /// <summary>The timestamp is further from now than the tolerance (a replay, or a clock problem).</summary>
    Expired = 2,
    /// <summary>The signature does not match: wrong secret or a changed body or timestamp.</summary>
    Mismatch = 3,
}

/// <summary>
/// HMAC-SHA256 webhook signatures. The sender puts the Unix time in seconds in <c>X-SafeChat-Timestamp</c> and
/// <c>sha256=&lt;hex of HMAC-SHA256(secret, timestamp + "." + body)&gt;</c> in <c>X-SafeChat-Signature</c>.
/// Receivers call <see cref="Verify(string, string?, ReadOnlySpan{byte}, string?, TimeSpan, TimeProvider?)"/> on the raw
/// body bytes before parsing them.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-SafeChat-Signature";

    /// <summary>The timestamp header (Unix seconds).</summary>
    public const string TimestampHeader = "X-SafeChat-Timestamp";

    /// <summary>The idempotency key header (the escalation's idempotency key): receivers deduplicate on it.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The 1-based delivery attempt header (informational; not signed).</summary>
    public const string AttemptHeader = "X-SafeChat-Delivery-Attempt";

    private const string Prefix = "sha256=";

    /// <summary>Computes the signature header value for a body sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        Sign(Encoding.UTF8.GetBytes(secret ?? throw new ArgumentNullException(nameof(secret))), timestamp, body);

    /// <summary>Computes the signature header value for a body sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(byte[] secret, long timestamp, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(Compute(secret, timestamp.ToString(CultureInfo.InvariantCulture), body));

    /// <summary>True when the signature is valid and the timestamp within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(string secret, string? timestamp, ReadOnlySpan<byte> body, string? signatureHeader, TimeSpan tolerance, TimeProvider? timeProvider = null) =>
        Check(secret, timestamp, body, signatureHeader, tolerance, timeProvider) == WebhookSignatureStatus.Valid;

    /// <summary>Checks a signature and says why it fails. Comparison is constant-time.</summary>
    public static WebhookSignatureStatus Check(string secret, string? timestamp, ReadOnlySpan<byte> body, string? signatureHeader, TimeSpan tolerance, TimeProvider? timeProvider = null) =>
        Check(Encoding.UTF8.GetBytes(secret ?? throw new ArgumentNullException(nameof(secret))), timestamp, body, signatureHeader, tolerance, timeProvider);

    /// <summary>Checks a signature and says why it fails. Comparison is constant-time.</summary>
    public static WebhookSignatureStatus Check(byte[] secret, string? timestamp, ReadOnlySpan<byte> body, string? signatureHeader, TimeSpan tolerance, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !signatureHeader.StartsWith(Prefix, StringComparison.Ordinal)
            || signatureHeader.Length != Prefix.Length + 64)
        {
            return WebhookSignatureStatus.Malformed;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(signatureHeader.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return WebhookSignatureStatus.Malformed;
        }

        var now = (timeProvider ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > (long)tolerance.TotalSeconds)
        {
            return WebhookSignatureStatus.Expired;
        }

        var expected = Compute(secret, timestamp, body);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? WebhookSignatureStatus.Valid : WebhookSignatureStatus.Mismatch;
    }

    private static byte[] Compute(byte[] secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
