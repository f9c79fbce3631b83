using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SafeChat.Inference.Models;

namespace SafeChat.Training.Onnx;

/// <summary>Writes <c>model.json</c> beside a model: hashes every file in the directory and saves the card.</summary>
public static class ModelCardWriter
{
    /// <summary>
    /// Hashes every file under <paramref name="directory"/> except the card itself and dot-files, fills
    /// <see cref="ModelCard.Files"/> and <see cref="ModelCard.Sha256"/>, sorts the dictionaries by key, sets
    /// <see cref="ModelCard.Created"/> from <paramref name="timeProvider"/> when the card has none, validates it and
    /// writes <c>model.json</c> (indented, stable property order, <c>\n</c> line ends).
    /// </summary>
    /// <returns>The card as written.</returns>
    /// <exception cref="ModelCardException">The directory has no <c>model.onnx</c> or the card is invalid.</exception>
    public static ModelCard Save(string directory, ModelCard card, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(card);
        var root = Path.GetFullPath(directory);
        var cardPath = Path.Combine(root, ModelCard.CardFileName);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (name == ModelCard.CardFileName || name.Split('/').Any(segment => segment.StartsWith('.')))
            {
                continue;
            }

            using var stream = File.OpenRead(path);
            files.Add(name, Convert.ToHexStringLower(SHA256.HashData(stream)));
        }

        if (!files.TryGetValue(ModelCard.ModelFileName, out var modelHash))
        {
            throw new ModelCardException(cardPath, "$.files", $"'{Path.Combine(root, ModelCard.ModelFileName)}' does not exist; write the model before its card.");
        }

        var written = card with
        {
            Created = card.Created == default ? (timeProvider ?? TimeProvider.System).GetUtcNow() : card.Created,
            Files = files,
            Sha256 = modelHash,
            Thresholds = new SortedDictionary<string, float>(card.Thresholds.ToDictionary(), StringComparer.Ordinal),
            Hyperparameters = new SortedDictionary<string, JsonNode?>(card.Hyperparameters.ToDictionary(), StringComparer.Ordinal),
            Tokenizer = card.Tokenizer is null ? null : card.Tokenizer with
            {
                Options = new SortedDictionary<string, string>(card.Tokenizer.Options.ToDictionary(), StringComparer.Ordinal),
            },
        };
        written.Validate(cardPath);
        File.WriteAllBytes(cardPath, written.ToUtf8Json());
        return written;
    }
}
