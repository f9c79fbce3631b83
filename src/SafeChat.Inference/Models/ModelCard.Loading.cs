using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SafeChat.Inference.Models;

public sealed partial record ModelCard
{
    private const int MaxCardBytes = 4 * 1024 * 1024;

    /// <summary>Loads <c>model.json</c> from <paramref name="directory"/> and checks the sha256 of every listed file.</summary>
    /// <exception cref="ModelCardException">The card is missing, malformed or inconsistent.</exception>
    /// <exception cref="ModelIntegrityException">A listed file is missing or its hash differs.</exception>
    public static ModelCard LoadVerified(string directory) => LoadVerified(new DirectoryModelFileSource(directory));

    /// <summary>Loads <c>model.json</c> from <paramref name="source"/> and checks the sha256 of every listed file.</summary>
    /// <exception cref="ModelCardException">The card is missing, malformed or inconsistent.</exception>
    /// <exception cref="ModelIntegrityException">A listed file is missing or its hash differs.</exception>
    public static ModelCard LoadVerified(IModelFileSource source) => LoadVerifiedModel(source).Card;

    /// <summary>
    /// Loads <c>model.json</c> and every file it lists from <paramref name="source"/>, checking each sha256, and keeps
    /// the verified bytes so the model that runs is exactly the one that was checked.
    /// </summary>
    /// <exception cref="ModelCardException">The card is missing, malformed or inconsistent.</exception>
    /// <exception cref="ModelIntegrityException">A listed file is missing or its hash differs.</exception>
    public static VerifiedModel LoadVerifiedModel(IModelFileSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var cardName = Describe(source, CardFileName);
        if (!source.TryOpenRead(CardFileName, out var cardStream))
        {
            throw new ModelCardException(cardName, null, "the model card is missing.");
        }

        byte[] cardBytes;
        using (cardStream)
        {
            cardBytes = ReadAll(cardStream, MaxCardBytes, cardName);
        }

        var card = Parse(cardBytes, cardName);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, expected) in card.Files)
        {
            var fileName = Describe(source, name);
            if (!source.TryOpenRead(name, out var stream))
            {
                throw new ModelIntegrityException(fileName, expected, actualSha256: null);
            }

            byte[] bytes;
            using (stream)
            {
                bytes = ReadAll(stream, int.MaxValue, fileName);
            }

            var actual = ToHex(SHA256.HashData(bytes));
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelIntegrityException(fileName, expected, actual);
            }

            files.Add(name, bytes);
        }

        return new VerifiedModel(card, files, source.DisplayName);
    }

    /// <summary>Parses and validates a card (structure only; hashes are checked by the loaders).</summary>
    /// <param name="utf8Json">The card's UTF-8 JSON.</param>
    /// <param name="fileName">The file name used in error messages.</param>
    /// <exception cref="ModelCardException">The card is malformed or inconsistent; the message names the JSON path.</exception>
    public static ModelCard Parse(ReadOnlySpan<byte> utf8Json, string fileName = CardFileName)
    {
        ModelCard? card;
        try
        {
            card = JsonSerializer.Deserialize(utf8Json, ModelCardJsonContext.CardTypeInfo);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
            throw new ModelCardException(fileName, ex.Path ?? "$", $"malformed model card{where}: {ex.Message}", ex);
        }

        if (card is null)
        {
            throw new ModelCardException(fileName, "$", "the model card is null.");
        }

        card.Validate(fileName);
        return card;
    }

    /// <summary>Serializes the card as indented JSON (snake_case, declaration order, <c>\n</c> line ends).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ModelCardJsonContext.CardTypeInfo) + "\n";

    /// <summary>Serializes the card as indented UTF-8 JSON, see <see cref="ToJson"/>.</summary>
    public byte[] ToUtf8Json() => Encoding.UTF8.GetBytes(ToJson());

    /// <summary>Checks the fields every SafeChat loader relies on.</summary>
    /// <exception cref="ModelCardException">A field is missing or inconsistent; the message names its JSON path.</exception>
    public void Validate(string fileName = CardFileName)
    {
        Require(!string.IsNullOrWhiteSpace(Id), "$.id", "is required.");
        Require(!string.IsNullOrWhiteSpace(Version), "$.version", "is required.");
        Require(IsSha256(Sha256), "$.sha256", $"must be 64 hex digits, found '{Sha256}'.");
        Require(Files is { Count: > 0 }, "$.files", "must list every model file with its sha256.");
        foreach (var (name, hash) in Files)
        {
            Require(ModelFileNames.IsSafe(name), $"$.files['{name}']", "must be a relative '/'-separated name inside the model directory.");
            Require(name != CardFileName, $"$.files['{name}']", "the card cannot list itself.");
            Require(IsSha256(hash), $"$.files['{name}']", $"must be 64 hex digits, found '{hash}'.");
        }

        Require(Files.TryGetValue(ModelFileName, out var modelHash), "$.files", $"must list '{ModelFileName}'.");
        Require(string.Equals(modelHash, Sha256, StringComparison.OrdinalIgnoreCase), "$.sha256", $"'{Sha256}' differs from $.files['{ModelFileName}'] '{modelHash}'.");
        CheckTensors(Inputs, "$.inputs");
        CheckTensors(Outputs, "$.outputs");
        var labels = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Labels.Count; i++)
        {
            Require(!string.IsNullOrWhiteSpace(Labels[i]), $"$.labels[{i}]", "must not be empty.");
            Require(labels.Add(Labels[i]), $"$.labels[{i}]", $"'{Labels[i]}' is listed twice.");
        }

        if (Tokenizer is not null)
        {
            Require(!string.IsNullOrWhiteSpace(Tokenizer.Kind), "$.tokenizer.kind", "is required.");
            for (var i = 0; i < Tokenizer.Files.Count; i++)
            {
                Require(Files.ContainsKey(Tokenizer.Files[i]), $"$.tokenizer.files[{i}]", $"'{Tokenizer.Files[i]}' is not listed in $.files.");
            }
        }

        foreach (var (name, value) in Thresholds)
        {
            Require(float.IsFinite(value), $"$.thresholds['{name}']", "must be a finite number.");
        }

        void CheckTensors(IReadOnlyList<ModelCardTensor> tensors, string path)
        {
            Require(tensors is { Count: > 0 }, path, "must describe at least one tensor.");
            for (var i = 0; i < tensors.Count; i++)
            {
                Require(!string.IsNullOrWhiteSpace(tensors[i].Name), $"{path}[{i}].name", "is required.");
                Require(!string.IsNullOrWhiteSpace(tensors[i].Type), $"{path}[{i}].type", "is required.");
            }
        }

        void Require(bool condition, string path, string message)
        {
            if (!condition)
            {
                throw new ModelCardException(fileName, path, message);
            }
        }
    }

    internal static string ToHex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    private static bool IsSha256(string? value)
    {
        if (value is null || value.Length != 64)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Describe(IModelFileSource source, string name) => $"{source.DisplayName}/{name}";

    private static byte[] ReadAll(Stream stream, int maxBytes, string fileName)
    {
        if (stream.CanSeek && stream.Length > maxBytes)
        {
            throw new ModelCardException(fileName, null, $"is {stream.Length} bytes, more than the {maxBytes} allowed.");
        }

        using var buffer = stream.CanSeek ? new MemoryStream(checked((int)Math.Min(stream.Length, int.MaxValue))) : new MemoryStream();
        stream.CopyTo(buffer);
        if (buffer.Length > maxBytes)
        {
            throw new ModelCardException(fileName, null, $"is {buffer.Length} bytes, more than the {maxBytes} allowed.");
        }

        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }
}
