using System.Globalization;
using System.Text;
using System.Text.Json;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>
/// Reads reviewer decisions (see <see cref="ReviewerDecision"/>) from JSONL and folds them into labels. Errors name the
/// place: <c>file:line: field: reason</c>. Blank lines are skipped. Unknown fields are ignored, so the export may grow.
/// It depends on nothing else in this project (with <see cref="ReviewerDecision"/>), so other tools can link both files.
/// </summary>
internal static class ReviewerDecisionsReader
{
    /// <summary>The <c>decision</c> values.</summary>
    public const string Confirmed = "confirmed";

    /// <summary>The <c>decision</c> value that makes a conversation negative for the harm.</summary>
    public const string FalsePositive = "false_positive";

    /// <summary>Reads a reviews file. Returns the decisions and the errors (an error line is skipped).</summary>
    public static async Task<(List<ReviewerDecision> Decisions, List<string> Errors)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return await ReadAsync(stream, path, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads reviews from a UTF-8 stream named <paramref name="name"/> in errors.</summary>
    public static async Task<(List<ReviewerDecision> Decisions, List<string> Errors)> ReadAsync(Stream stream, string name, CancellationToken cancellationToken)
    {
        var decisions = new List<ReviewerDecision>();
        var errors = new List<string>();
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (TryParse(Encoding.UTF8.GetBytes(line), number, out var decision, out var error))
            {
                decisions.Add(decision!);
            }
            else
            {
                errors.Add($"{name}:{number}: {error}");
            }
        }

        return (decisions, errors);
    }

    /// <summary>Parses one line; on failure <paramref name="error"/> reads <c>field: reason</c>.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> line, int lineNumber, out ReviewerDecision? decision, out string? error)
    {
        decision = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            error = $"invalid JSON at byte {ex.BytePositionInLine ?? 0}";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "expected a JSON object";
                return false;
            }

            if (!TryString(root, "conversation_id", allowNumber: true, out var conversationId, out error)
                || !TryString(root, "harm", allowNumber: false, out var harm, out error)
                || !TryString(root, "decision", allowNumber: false, out var verdict, out error)
                || !TryString(root, "reviewed_at", allowNumber: false, out var reviewedAtText, out error))
            {
                return false;
            }

            if (!HarmNames.All.Contains(harm))
            {
                error = $"harm: unknown harm '{harm}' (expected one of: {string.Join(", ", HarmNames.All)})";
                return false;
            }

            if (verdict is not (Confirmed or FalsePositive))
            {
                error = $"decision: expected '{Confirmed}' or '{FalsePositive}', got '{verdict}'";
                return false;
            }

            if (!DateTimeOffset.TryParse(reviewedAtText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var reviewedAt))
            {
                error = $"reviewed_at: expected an ISO-8601 time, got '{reviewedAtText}'";
                return false;
            }

            string? reviewer = null;
            if (root.TryGetProperty("reviewer", out var reviewerElement) && reviewerElement.ValueKind != JsonValueKind.Null)
            {
                if (reviewerElement.ValueKind != JsonValueKind.String)
                {
                    error = "reviewer: expected a string";
                    return false;
                }

                reviewer = reviewerElement.GetString();
            }

            string? subject = null;
            if (root.TryGetProperty("subject_user_id", out var subjectElement) && subjectElement.ValueKind != JsonValueKind.Null)
            {
                if (subjectElement.ValueKind != JsonValueKind.String)
                {
                    error = "subject_user_id: expected a string";
                    return false;
                }

                subject = subjectElement.GetString();
            }

            decision = new ReviewerDecision(conversationId!, harm!, verdict == Confirmed, reviewedAt, reviewer, lineNumber, subject);
            error = null;
            return true;
        }
    }

    /// <summary>The latest decision per (conversation, harm): ties on <c>reviewed_at</c> go to the later line.</summary>
    public static IReadOnlyDictionary<(string ConversationId, string Harm), bool> Latest(IEnumerable<ReviewerDecision> decisions) =>
        LatestDecisions(decisions).ToDictionary(p => p.Key, p => p.Value.Confirmed);

    /// <summary>The latest decision itself per (conversation, harm), as <see cref="Latest"/> picks it.</summary>
    public static IReadOnlyDictionary<(string ConversationId, string Harm), ReviewerDecision> LatestDecisions(IEnumerable<ReviewerDecision> decisions) =>
        decisions
            .GroupBy(d => (d.ConversationId, d.Harm))
            .ToDictionary(g => g.Key, g => g.OrderBy(d => d.ReviewedAt).ThenBy(d => d.LineNumber).Last());

    private static bool TryString(JsonElement root, string name, bool allowNumber, out string? value, out string? error)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element))
        {
            error = $"{name}: missing";
            return false;
        }

        if (element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } text)
        {
            value = text;
        }
        else if (allowNumber && element.ValueKind == JsonValueKind.Number)
        {
            value = element.GetRawText();
        }
        else
        {
            error = $"{name}: expected a non-empty string";
            return false;
        }

        error = null;
        return true;
    }
}
