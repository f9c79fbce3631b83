using System.Text;
using System.Text.Json;
using SafeChat.Training.Data;

namespace SafeChat.Training.Evaluation;

/// <summary>
/// <c>safechat-train heldout --real-benign FILE... --pj-interleaved DIR --out DIR</c>: writes the held-out part of the
/// real corpora (the same stable-hash and by-offender splits training uses) as the original JSONL lines, so the shipped
/// models can be measured on real chat they never saw with <c>safechat score</c> and <c>eval.py</c>. The files go to
/// a folder outside the repository: they are research data. <c>--part validation</c> writes the validation part instead. Translated VTPAN chats (CSV) are written as conversation JSONL,
/// one pasted message each, and with <c>--pj DIR</c> the koutli offenders' pseudo-conversations.
/// </summary>
internal static class HeldoutExport
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = TrainingOptions.Parse(args, stderr, requireConversations: false);
        if (options is null)
        {
            return 2;
        }

        if (options.RealBenign.Count == 0 && options.PjInterleavedDirectory is null && options.VtpanTranslated.Count == 0 && options.PervertedJusticeDirectory is null)
        {
            stderr.WriteLine("heldout: give --real-benign FILE..., --pj-interleaved DIR, --pj DIR and/or --vtpan-translated CSV....");
            return 2;
        }

        var data = TrainingData.Load(options, TextWriter.Null);
        var part = options.ExportPart;
        string name = part == DataPart.Validation ? "validation" : "heldout";
        string said = part == DataPart.Validation ? "validation" : "held-out";
        Directory.CreateDirectory(options.OutputDirectory);
        foreach (var path in options.RealBenign)
        {
            var heldout = data.RealBenign.Where(c => c.Part == part && c.Source == RealChat.SourceOf(path)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
            Write(path, heldout, Path.Combine(options.OutputDirectory, RealChat.SourceOf(path) + $"-{name}.jsonl"), said, stdout);
        }

        if (options.PjInterleavedDirectory is not null)
        {
            string sessions = Path.Combine(options.PjInterleavedDirectory, RealChat.PjSessionsFile);
            foreach (var offender in data.PjSessions.Where(c => c.Part == part).GroupBy(c => RealChat.NormalizeName(c.Group)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Write(sessions, offender.Select(c => c.Id).ToHashSet(StringComparer.Ordinal), Path.Combine(options.OutputDirectory, $"pj-{name}-{offender.Key}.jsonl"), said, stdout);
            }
        }

        // The koutli offenders' pseudo-conversations (offender and decoy lines re-interleaved, as the training replay
        // measures them), so the shipped CLI can measure them too.
        if (options.PervertedJusticeDirectory is not null)
        {
            WriteConversations(data.PjConversations.Where(c => c.Part == part), Path.Combine(options.OutputDirectory, $"pj-koutli-{name}.jsonl"), said, stdout);
        }

        foreach (var language in data.VtpanTranslated.Select(c => c.Language).Distinct().Order(StringComparer.Ordinal))
        {
            WriteConversations(data.VtpanTranslated.Where(c => c.Part == part && c.Language == language),
                Path.Combine(options.OutputDirectory, $"vtpan-{language}-{name}.jsonl"), said, stdout);
        }

        return 0;
    }

    // Writes conversations read from a non-JSONL source (one pasted message each) in the conversation JSONL schema.
    private static void WriteConversations(IEnumerable<ChatConversation> conversations, string target, string part, TextWriter stdout)
    {
        int written = 0;
        using var output = new StreamWriter(target, append: false, new UTF8Encoding(false));
        foreach (var c in conversations)
        {
            var row = new
            {
                id = c.Id,
                label = c.Label == HarmLabel.Benign ? "benign" : "grooming",
                lang = c.Language,
                messages = c.Messages.Select(m => new { author = m.Author, text = m.Text }),
            };
            output.Write(JsonSerializer.Serialize(row, ExportJson));
            output.Write('\n');
            written++;
        }

        stdout.WriteLine($"{target}: {written} {part} conversations");
    }

    private static readonly JsonSerializerOptions ExportJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Copies the lines of `source` whose id is in `ids`, byte for byte, and says how many.
    private static void Write(string source, HashSet<string> ids, string target, string part, TextWriter stdout)
    {
        int written = 0;
        using var output = new StreamWriter(target, append: false, new UTF8Encoding(false));
        foreach (var line in File.ReadLines(source))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("id", out var id) && ids.Contains(id.ToString()))
            {
                output.Write(line);
                output.Write('\n');
                written++;
            }
        }

        stdout.WriteLine($"{target}: {written} {part} conversations");
    }
}
