using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SafeChat.Webhooks;

/// <summary>
/// HMAC-SHA256 webhook signatures, scheme <c>v2</c>. The sender puts the Unix time in seconds in
/// <c>X-SafeChat-Timestamp</c>, the escalation's key in <c>Idempotency-Key</c> and, in <c>X-SafeChat-Signature</c>, one
/// <c>v2=&lt;hex of HMAC-SHA256(secret, timestamp + "." + idempotencyKey + "." + body)&gt;</c> per active secret,
/// separated by commas. The signature covers the idempotency key, so a captured delivery replayed with a different
/// <c>Idempotency-Key</c> fails verification. Receivers call
/// <see cref="Verify(IReadOnlyList{string}, string?, string?, ReadOnlySpan{byte}, string?, TimeSpan, TimeProvider?)"/>
/// on the raw body bytes before parsing them, with every secret they currently accept (two during a rotation).
/// </summary>
public static class WebhookSignature
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-SafeChat-Signature";

    /// <summary>The timestamp header (Unix seconds).</summary>
    public const string TimestampHeader = "X-SafeChat-Timestamp";

    /// <summary>The idempotency key header (the escalation's idempotency key, signed): receivers deduplicate on it.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The signature scheme prefix of each signature in <see cref="SignatureHeader"/>.</summary>
    public const string Scheme = "v2=";

    private const int MaxSignatures = 8;
    private const int MaxKeyLength = 200;

    /// <summary>Computes the signature header value (one <c>v2=</c> signature) for a delivery sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, string idempotencyKey, ReadOnlySpan<byte> body) =>
        Sign([secret ?? throw new ArgumentNullException(nameof(secret))], timestamp, idempotencyKey, body);

    /// <summary>Computes the signature header value, one <c>v2=</c> signature per secret in order, for a delivery sent at <paramref name="timestamp"/>.</summary>
    /// <exception cref="ArgumentException">No secret, or an idempotency key that is empty, too long, or holds '.', ',' or a non-printable character.</exception>
    public static string Sign(IReadOnlyList<string> secrets, long timestamp, string idempotencyKey, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0)
        {
            throw new ArgumentException("At least one secret is needed.", nameof(secrets));
        }

        if (!IsValidKey(idempotencyKey))
        {
            throw new ArgumentException("idempotencyKey must be 1 to 200 printable ASCII characters without '.' or ','.", nameof(idempotencyKey));
        }

        var stamp = timestamp.ToString(CultureInfo.InvariantCulture);
        var header = new StringBuilder();
        for (var i = 0; i < secrets.Count; i++)
        {
            var secret = secrets[i];
            if (string.IsNullOrEmpty(secret))
            {
                throw new ArgumentException($"secrets[{i}] is empty.", nameof(secrets));
            }

            if (i > 0)
            {
                header.Append(',');
            }

            header.Append(Scheme).Append(Convert.ToHexStringLower(Compute(Encoding.UTF8.GetBytes(secret), stamp, idempotencyKey, body)));
        }

        return header.ToString();
    }

    /// <summary>True when a signature matches <paramref name="secret"/> and the timestamp is within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(string secret, string? timestamp, string? idempotencyKey, ReadOnlySpan<byte> body, string? signatureHeader, TimeSpan tolerance, TimeProvider? timeProvider = null) =>
        Check(secret, timestamp, idempotencyKey, body, signatureHeader, tolerance, timeProvider) == WebhookSignatureStatus.Valid;

    /// <summary>True when a signature matches any of <paramref name="secrets"/> (key rotation) and the timestamp is within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(IReadOnlyList<string> secrets, string? timestamp, string? idempotencyKey, ReadOnlySpan<byte> body, string? signatureHeader, TimeSpan tolerance, TimeProvider? timeProvider = null) =>
        Check(secrets, timestamp, idempotencyKey, body, signatureHeader, tolerance, timeProvider) == WebhookSignatureStatus.Valid;

    /// <summary>Checks a delivery against one secret and says why it fails. Comparison is constant-time.</summary>
    public static WebhookSignatureStatus Check(string secret, string? timestamp, string? idempotencyKey, ReadOnlySpan<byte> body, string? signatureHeader, TimeSpan tolerance, TimeProvider? timeProvider = null) =>
        Check([secret ?? throw new ArgumentNullException(nameof(secret))], timestamp, idempotencyKey, body, signatureHeader, tolerance, timeProvider);

    /// <summary>Checks a delivery against every accepted secret and says why it fails. Comparison is constant-time.</summary>
    public static WebhookSignatureStatus Check(IReadOnlyList<string> secrets, string? timestamp, string? idempotencyKey, ReadOnlySpan<byte> body, string? signatureHeader, TimeSpan tolerance, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0)
        {
            throw new ArgumentException("At least one secret is needed.", nameof(secrets));
        }

        if (string.IsNullOrEmpty(timestamp) || timestamp.Length > 19
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !IsValidKey(idempotencyKey)
            || ParseSignatures(signatureHeader) is not { Count: > 0 } given)
        {
            return WebhookSignatureStatus.Malformed;
        }

        var now = (timeProvider ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > (long)tolerance.TotalSeconds)
        {
            return WebhookSignatureStatus.Expired;
        }

        var valid = false;
        for (var i = 0; i < secrets.Count; i++)
        {
            if (string.IsNullOrEmpty(secrets[i]))
            {
                throw new ArgumentException($"secrets[{i}] is empty; an empty secret would accept anyone's signature.", nameof(secrets));
            }

            var expected = Compute(Encoding.UTF8.GetBytes(secrets[i]), timestamp, idempotencyKey!, body);
            foreach (var signature in given)
            {
                // No early exit: the time taken does not depend on which secret or signature matched.
                valid |= CryptographicOperations.FixedTimeEquals(expected, signature);
            }
        }

        return valid ? WebhookSignatureStatus.Valid : WebhookSignatureStatus.Mismatch;
    }

    // The v2 signatures of a header; null when malformed. Entries of other schemes are ignored (forward compatibility).
    private static List<byte[]>? ParseSignatures(string? header)
    {
        if (string.IsNullOrEmpty(header) || header.Length > MaxSignatures * 80)
        {
            return null;
        }

        var signatures = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var entry = part.Trim();
            if (!entry.StartsWith(Scheme, StringComparison.Ordinal))
            {
                continue;
            }

            if (entry.Length != Scheme.Length + 64)
            {
                return null;
            }

            try
            {
                signatures.Add(Convert.FromHexString(entry.AsSpan(Scheme.Length)));
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return signatures.Count <= MaxSignatures ? signatures : null;
    }

    private static bool IsValidKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is < '!' or > '~' or '.' or ',')
            {
                return false;
            }
        }

        return true;
    }

    private static byte[] Compute(byte[] secret, string timestamp, string idempotencyKey, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "." + idempotencyKey + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
