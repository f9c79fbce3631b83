using System.Security.Cryptography;
using System.Text;

namespace SafeChat.Sharing;

/// <summary>
/// Turns raw identifiers into shared indicators: HMAC-SHA256, under a secret the sharing partners agree on, of the
/// indicator type and the normalized identifier. Without the secret an indicator cannot be reversed or tested against a
/// guessed identifier; with it, every partner hashes the same identifier to the same value. Thread-safe.
/// </summary>
public sealed class IndicatorHasher
{
    private readonly byte[] _key;

    /// <summary>Creates a hasher.</summary>
    /// <param name="sharedSecret">The partners' shared secret: at least 32 bytes.</param>
    /// <param name="keyId">A name for the secret, written into files so that a rotated secret is recognised.</param>
    public IndicatorHasher(byte[] sharedSecret, string keyId)
    {
        if (sharedSecret is null || sharedSecret.Length < 32)
        {
            throw new ArgumentException("The shared secret must be at least 32 bytes.", nameof(sharedSecret));
        }

        if (string.IsNullOrWhiteSpace(keyId))
        {
            throw new ArgumentException("The key id must not be empty.", nameof(keyId));
        }

        // A key for indicators only, derived from the shared secret (domain separation).
        using var derive = new HMACSHA256(sharedSecret);
        _key = derive.ComputeHash(Encoding.UTF8.GetBytes("safechat.indicators/1 hash key"));
        KeyId = keyId;
    }

    /// <summary>The secret's name.</summary>
    public string KeyId { get; }

    /// <summary>The indicator of a raw identifier (64 hex digits), or null when the identifier is empty or invalid for its type.</summary>
    /// <param name="type">The indicator type (<see cref="IndicatorTypes"/>).</param>
    /// <param name="raw">The raw identifier.</param>
    public string? Hash(string type, string? raw)
    {
        var normalized = IndicatorTypes.Normalize(type, raw);
        if (normalized is null)
        {
            return null;
        }

        using var hmac = new HMACSHA256(_key);
        return Imaging.ImageHasher.Hex(hmac.ComputeHash(Encoding.UTF8.GetBytes(type + "\n" + normalized)));
    }
}
