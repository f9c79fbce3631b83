using System.Text.Json;

namespace SafeChat.Cli;

/// <summary>One <c>score</c> output line read back: the public contract's fields that evaluation needs.</summary>
internal sealed record ScoredConversation(
    string Id,
    bool Flagged,
    double Risk,
    IReadOnlyDictionary<string, double> Harms,
    int? FirstAlertIndex,
    IReadOnlyList<string> FlaggedAuthors,
    IReadOnlyList<ScoredDecision> Decisions)
{
    /// <summary>Reads one output line of <c>safechat score</c>.</summary>
    public static ScoredConversation Parse(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var harms = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var harm in root.GetProperty("harms").EnumerateObject())
        {
            harms[harm.Name] = harm.Value.GetDouble();
        }

        var first = root.GetProperty("first_alert_index");
        return new ScoredConversation(
            root.GetProperty("id").GetString()!,
            root.GetProperty("flagged").GetBoolean(),
            root.GetProperty("risk").GetDouble(),
            harms,
            first.ValueKind == JsonValueKind.Number ? first.GetInt32() : null,
            root.GetProperty("flagged_authors").EnumerateArray().Select(a => a.GetString()!).ToArray(),
            root.GetProperty("decisions").EnumerateArray().Select(d => new ScoredDecision(
                d.GetProperty("rule").GetString()!,
                d.GetProperty("action").GetString()!,
                d.GetProperty("message_index").GetInt32(),
                d.TryGetProperty("shadow", out var shadow) && shadow.GetBoolean())).ToArray());
    }
}
