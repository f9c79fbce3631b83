using System.Text.Json;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>
/// Reads a gold JSONL file: each line is a conversation as <c>score</c> reads it, plus <c>label</c> (required:
/// <c>benign</c>, <c>grooming</c> or <c>sextortion</c>), <c>alert_by</c> (optional integer ≥ 0), <c>source</c> and
/// <c>language</c> (optional strings). Errors name the place: <c>file:line: field: reason</c>.
/// </summary>
internal static class GoldReader
{
    /// <summary>The labels a gold line may carry.</summary>
    public static IReadOnlyList<string> Labels { get; } = ["benign", .. HarmNames.All];

    /// <summary>Reads every line. Returns the valid conversations and the errors; <paramref name="bytes"/> is the whole file.</summary>
    public static async Task<(List<GoldConversation> Gold, List<string> Errors)> ReadAsync(string name, byte[] bytes, CancellationToken cancellationToken)
    {
        var gold = new List<GoldConversation>();
        var errors = new List<string>();
        using var stream = new MemoryStream(bytes, writable: false);
        await foreach (var line in JsonlLineReader.ReadAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!line.TooLong && ConversationParser.IsBlank(line.Bytes.Span))
            {
                continue;
            }

            if (line.TooLong)
            {
                errors.Add($"{name}:{line.Number}: line too long");
                continue;
            }

            if (!ConversationParser.TryParse(line.Bytes, out var conversation, out var reason))
            {
                errors.Add($"{name}:{line.Number}: {reason}");
                continue;
            }

            using var document = JsonDocument.Parse(line.Bytes);
            var root = document.RootElement;
            var where = $"{name}:{line.Number}";
            if (!root.TryGetProperty("label", out var labelElement) || labelElement.ValueKind != JsonValueKind.String)
            {
                errors.Add($"{where}: label: missing or not a string (expected one of: {string.Join(", ", Labels)})");
                continue;
            }

            var label = labelElement.GetString()!;
            if (!Labels.Contains(label))
            {
                errors.Add($"{where}: label: unknown label '{label}' (expected one of: {string.Join(", ", Labels)})");
                continue;
            }

            int? alertBy = null;
            if (root.TryGetProperty("alert_by", out var alertElement) && alertElement.ValueKind != JsonValueKind.Null)
            {
                if (alertElement.ValueKind != JsonValueKind.Number || !alertElement.TryGetInt32(out var value) || value < 0)
                {
                    errors.Add($"{where}: alert_by: expected an integer >= 0, got {alertElement.GetRawText()}");
                    continue;
                }

                alertBy = value;
            }

            gold.Add(new GoldConversation(line.Number, conversation!.Id, label, alertBy, OptionalString(root, "source"), OptionalString(root, "language"), conversation));
        }

        return (gold, errors);
    }

    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } value
            ? value
            : null;
}
