namespace SafeChat.Webhooks;

/// <summary>How a signature check ended.</summary>
public enum WebhookSignatureStatus
{
    /// <summary>A signature matches one of the secrets and the timestamp is within tolerance.</summary>
    Valid = 0,

    /// <summary>A header is missing or not in the expected format (no <c>v2=</c> signature, a bad timestamp or idempotency key).</summary>
    Malformed = 1,

    /// <summary>The timestamp is further from now than the tolerance (a replay, or a clock problem).</summary>
    Expired = 2,

    /// <summary>No signature matches: a wrong secret, or a changed body, timestamp or idempotency key.</summary>
    Mismatch = 3,
}
