namespace SafeChat.Webhooks;

/// <summary>Settings of a <see cref="WebhookEscalationHandler"/>. Validated when the handler is built.</summary>
/// <remarks>Retries, backoff and dead-lettering are the dispatcher's: see <c>EscalationDispatcherOptions</c>.</remarks>
public sealed class WebhookOptions
{
    /// <summary>The receiver's URL (http or https). Required.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The shared HMAC-SHA256 secret (UTF-8), at least 16 characters. Required. Never logged.</summary>
    public string Secret { get; set; } = string.Empty;

    /// <summary>
    /// More secrets to sign with during a key rotation (each at least 16 characters): every delivery carries one
    /// signature per secret (<see cref="Secret"/> first), and a receiver accepts any secret it knows. Usually empty.
    /// </summary>
    public IList<string> AdditionalSecrets { get; } = [];

    /// <summary>How long one HTTP attempt may take, headers included. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every secret the handler signs with: <see cref="Secret"/>, then <see cref="AdditionalSecrets"/>.</summary>
    public IReadOnlyList<string> AllSecrets => [Secret, .. AdditionalSecrets];

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("WebhookOptions.Endpoint must be an absolute http or https URL.", nameof(Endpoint));
        }

        if (string.IsNullOrEmpty(Secret) || Secret.Length < 16)
        {
            throw new ArgumentException("WebhookOptions.Secret must be at least 16 characters.", nameof(Secret));
        }

        for (var i = 0; i < AdditionalSecrets.Count; i++)
        {
            if (string.IsNullOrEmpty(AdditionalSecrets[i]) || AdditionalSecrets[i].Length < 16)
            {
                throw new ArgumentException($"WebhookOptions.AdditionalSecrets[{i}] must be at least 16 characters.", nameof(AdditionalSecrets));
            }
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "WebhookOptions.RequestTimeout must be positive.");
        }
    }
}
