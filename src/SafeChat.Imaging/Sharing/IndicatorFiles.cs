using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SafeChat.Sharing;

/// <summary>
/// Writes and reads signed indicator files. A file is two lines of UTF-8: the payload (the <see cref="IndicatorFile"/> as
/// compact JSON, snake_case) and the signature <c>{"algorithm":"ecdsa-p256-sha256","signature":"BASE64"}</c>, an ECDSA
/// P-256 signature (IEEE P1363, r‖s) over the exact bytes of the first line. Each partner signs with its own private key
/// and publishes its public key (base64 SubjectPublicKeyInfo); an importer accepts files only from producers whose key it
/// was given. Refusals are <see cref="IndicatorFileException"/>s that name the source and line.
/// </summary>
public static class IndicatorFiles
{
    /// <summary>The signature algorithm name.</summary>
    public const string Algorithm = "ecdsa-p256-sha256";

    private static readonly JsonSerializerOptions Json = CreateOptions();

    /// <summary>Creates a new P-256 signing key for a producer.</summary>
    public static ECDsa CreateSigningKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public key to give partners: base64 SubjectPublicKeyInfo.</summary>
    public static string ExportPublicKey(ECDsa key) => Convert.ToBase64String((key ?? throw new ArgumentNullException(nameof(key))).ExportSubjectPublicKeyInfo());

    /// <summary>The private key to keep: base64 PKCS#8. Store it like any other secret.</summary>
    public static string ExportPrivateKey(ECDsa key) => Convert.ToBase64String((key ?? throw new ArgumentNullException(nameof(key))).ExportPkcs8PrivateKey());

    /// <summary>Loads a partner's public key (base64 SubjectPublicKeyInfo).</summary>
    /// <exception cref="FormatException">The text is not a P-256 public key.</exception>
    public static ECDsa ImportPublicKey(string base64) =>
        ImportKey(base64, static (key, bytes) => key.ImportSubjectPublicKeyInfo(bytes, out _), "The public key is not a base64 SubjectPublicKeyInfo of an ECDSA key.");

    /// <summary>Loads the producer's private key (base64 PKCS#8).</summary>
    /// <exception cref="FormatException">The text is not an ECDSA private key.</exception>
    public static ECDsa ImportPrivateKey(string base64) =>
        ImportKey(base64, static (key, bytes) => key.ImportPkcs8PrivateKey(bytes, out _), "The private key is not a base64 PKCS#8 ECDSA key.");

    private static ECDsa ImportKey(string base64, Action<ECDsa, byte[]> import, string error)
    {
        var key = ECDsa.Create();
        try
        {
            import(key, Convert.FromBase64String(base64 ?? string.Empty));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            key.Dispose();
            throw new FormatException(error, ex);
        }

        return key;
    }

    /// <summary>Serialises and signs a file.</summary>
    /// <param name="file">The file.</param>
    /// <param name="signingKey">The producer's private key.</param>
    /// <returns>The two lines, ending with a newline.</returns>
    public static string Write(IndicatorFile file, ECDsa signingKey)
    {
        if (file is null)
        {
            throw new ArgumentNullException(nameof(file));
        }

        if (signingKey is null)
        {
            throw new ArgumentNullException(nameof(signingKey));
        }

        var payload = JsonSerializer.Serialize(file, Json);
        var signature = signingKey.SignData(Encoding.UTF8.GetBytes(payload), HashAlgorithmName.SHA256);
        var signatureLine = JsonSerializer.Serialize(new SignatureLine { Algorithm = Algorithm, Signature = Convert.ToBase64String(signature) }, Json);
        return payload + "\n" + signatureLine + "\n";
    }

    /// <summary>Reads a file and checks its signature against the producer's public key.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="source">The file name errors use.</param>
    /// <param name="trustedProducers">Public keys by producer name.</param>
    /// <exception cref="IndicatorFileException">The file is malformed, from an unknown producer, or does not match its signature.</exception>
    public static IndicatorFile Read(string text, string source, IReadOnlyDictionary<string, ECDsa> trustedProducers)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        if (trustedProducers is null)
        {
            throw new ArgumentNullException(nameof(trustedProducers));
        }

        source ??= "indicator file";
        var lines = text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        if (lines.Length != 2)
        {
            throw new IndicatorFileException($"{source}: expected 2 lines (payload, signature), found {lines.Length}.");
        }

        IndicatorFile? file;
        SignatureLine? signature;
        try
        {
            file = JsonSerializer.Deserialize<IndicatorFile>(lines[0], Json);
        }
        catch (JsonException ex)
        {
            throw new IndicatorFileException($"{source}:1: the payload is not a valid indicator file (at {ex.Path ?? "$"}).", ex);
        }

        try
        {
            signature = JsonSerializer.Deserialize<SignatureLine>(lines[1], Json);
        }
        catch (JsonException ex)
        {
            throw new IndicatorFileException($"{source}:2: the signature line is not valid JSON.", ex);
        }

        if (file is null || file.Format != IndicatorFile.CurrentFormat)
        {
            throw new IndicatorFileException($"{source}:1: not a {IndicatorFile.CurrentFormat} file.");
        }

        if (signature is null || signature.Algorithm != Algorithm || string.IsNullOrEmpty(signature.Signature))
        {
            throw new IndicatorFileException($"{source}:2: the file is not signed with {Algorithm}.");
        }

        if (string.IsNullOrEmpty(file.Producer) || !trustedProducers.TryGetValue(file.Producer, out var key))
        {
            throw new IndicatorFileException($"{source}:1: the producer is not a trusted partner (no public key for it).");
        }

        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature.Signature);
        }
        catch (FormatException ex)
        {
            throw new IndicatorFileException($"{source}:2: the signature is not base64.", ex);
        }

        if (!key.VerifyData(Encoding.UTF8.GetBytes(lines[0]), signatureBytes, HashAlgorithmName.SHA256))
        {
            throw new IndicatorFileException($"{source}: the signature does not match: the file was changed after it was signed, or not signed by its producer. Refused.");
        }

        for (var i = 0; i < file.Indicators.Count; i++)
        {
            var indicator = file.Indicators[i];
            if (indicator is null || !IndicatorTypes.All.Contains(indicator.Type) || indicator.Value is not { Length: 64 } || !Imaging.HashListReader.IsHex(indicator.Value))
            {
                throw new IndicatorFileException($"{source}:1: indicators[{i}] has an unknown type or a value that is not 64 hex digits.");
            }
        }

        return file;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }

    private sealed class SignatureLine
    {
        public string? Algorithm { get; set; }

        public string? Signature { get; set; }
    }
}
