using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.Training.Data;

/// <summary>Readers for every corpus the trainer uses. Errors name the file and line.</summary>
internal static class CorpusReaders
{
    private static readonly HashSet<string> KnownSignals = [.. SignalNames.All];

    /// <summary>
    /// Reads conversations in the common JSONL schema (synthetic, Dota 2, NPS, PAN12 sample):
    /// <c>{id, label, predator_authors, messages:[{author, text, signals?}], participants?, alert_by?}</c>.
    /// </summary>
    public static List<ChatConversation> ReadConversations(string path, string source, bool htmlDecode = false, bool skipSystemPosts = false)
    {
        var result = new List<ChatConversation>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                result.Add(ParseConversation(line, source, htmlDecode, skipSystemPosts));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new DataFormatException($"{path}:{lineNumber}: {ex.Message}");
            }
        }

        return result;
    }

    private static ChatConversation ParseConversation(string json, string source, bool htmlDecode, bool skipSystemPosts)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string id = ReadString(root, "id");
        string labelText = ReadString(root, "label");
        var label = labelText switch
        {
            "grooming" => HarmLabel.Grooming,
            "sextortion" => HarmLabel.Sextortion,
            "trafficking" => HarmLabel.Trafficking,
            "livestream_coercion" => HarmLabel.LivestreamCoercion,
            "benign" => HarmLabel.Benign,
            _ => throw new FormatException($"field 'label': unknown value '{labelText}'"),
        };
        var predators = new HashSet<string>(StringComparer.Ordinal);
        if (root.TryGetProperty("predator_authors", out var predatorArray) && predatorArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var p in predatorArray.EnumerateArray())
            {
                predators.Add(ScalarText(p));
            }
        }

        var ages = new Dictionary<string, AgeBand>(StringComparer.Ordinal);
        if (root.TryGetProperty("participants", out var participants) && participants.ValueKind == JsonValueKind.Array)
        {
            foreach (var p in participants.EnumerateArray())
            {
                string pid = ReadString(p, "id");
                int? age = p.TryGetProperty("age", out var ageElement) && ageElement.ValueKind == JsonValueKind.Number ? ageElement.GetInt32() : null;
                ages[pid] = Participant.BandForAge(age);
            }
        }

        var messages = new List<ChatLine>();
        if (!root.TryGetProperty("messages", out var messageArray) || messageArray.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("field 'messages': missing or not an array");
        }

        int index = 0;
        foreach (var m in messageArray.EnumerateArray())
        {
            if (skipSystemPosts && m.TryGetProperty("dialog_act", out var act) && act.ValueKind == JsonValueKind.String && act.GetString() == "System")
            {
                index++;
                continue;
            }

            string author = m.TryGetProperty("author", out var a) ? ScalarText(a) : "unknown";
            if (string.IsNullOrWhiteSpace(author))
            {
                // A few Dota 2 lines have an empty author; the engine (and the replay) needs a sender id.
                author = "unknown";
            }

            string text = m.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() ?? string.Empty : string.Empty;
            if (htmlDecode)
            {
                text = WebUtility.HtmlDecode(text);
            }

            var signals = new List<string>();
            if (m.TryGetProperty("signals", out var s) && s.ValueKind == JsonValueKind.Array)
            {
                foreach (var signal in s.EnumerateArray())
                {
                    string name = signal.GetString() ?? string.Empty;
                    if (!KnownSignals.Contains(name))
                    {
                        throw new FormatException($"messages[{index}].signals: unknown signal '{name}'");
                    }

                    signals.Add(name);
                }
            }

            messages.Add(new ChatLine(author, text, signals));
            index++;
        }

        int? alertBy = root.TryGetProperty("alert_by", out var alert) && alert.ValueKind == JsonValueKind.Number ? alert.GetInt32() : null;
        string? scenario = root.TryGetProperty("scenario", out var sc) && sc.ValueKind == JsonValueKind.String ? sc.GetString() : null;
        string language = root.TryGetProperty("lang", out var lang) && lang.ValueKind == JsonValueKind.String ? Languages.Parse(lang.GetString()) : Languages.English;
        string group = source switch
        {
            "dota" => DotaMatch(id),
            "ubuntu" => UbuntuLog(id),
            "pjx" => RealChat.PjxOffender(id),
            _ => id,
        };
        return new ChatConversation
        {
            Id = id,
            Source = source,
            Label = label,
            Scenario = scenario,
            Messages = messages,
            Predators = predators,
            AlertBy = alertBy,
            Ages = ages,
            Group = group,
            Language = language,
        };
    }

    /// <summary>Windows of one #ubuntu log file (one day) stay together: <c>ubuntu-2004-12-25.train-c#2</c> → <c>ubuntu-2004-12-25</c>.</summary>
    private static string UbuntuLog(string id)
    {
        int dot = id.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? id[..dot] : id;
    }

    /// <summary>Whole Dota matches stay together: <c>conda-m12-c3</c> → <c>m12</c>.</summary>
    private static string DotaMatch(string id)
    {
        int start = id.IndexOf("-m", StringComparison.Ordinal);
        int end = id.LastIndexOf("-c", StringComparison.Ordinal);
        return start >= 0 && end > start ? id[(start + 1)..end] : id;
    }

    /// <summary>Reads the synthetic annotated lines file: <c>{text, signals, harm, speaker}</c>.</summary>
    public static List<AnnotatedLine> ReadLines(string path)
    {
        var result = new List<AnnotatedLine>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                string text = ReadString(root, "text");
                var signals = new List<string>();
                foreach (var s in root.GetProperty("signals").EnumerateArray())
                {
                    string name = s.GetString() ?? string.Empty;
                    if (!KnownSignals.Contains(name))
                    {
                        throw new FormatException($"field 'signals': unknown signal '{name}'");
                    }

                    signals.Add(name);
                }

                var harm = ReadString(root, "harm") switch
                {
                    "grooming" => HarmLabel.Grooming,
                    "sextortion" => HarmLabel.Sextortion,
                    "trafficking" => HarmLabel.Trafficking,
                    "livestream_coercion" => HarmLabel.LivestreamCoercion,
                    "benign" => HarmLabel.Benign,
                    var other => throw new FormatException($"field 'harm': unknown value '{other}'"),
                };
                bool predator = ReadString(root, "speaker") == "predator";
                string language = root.TryGetProperty("lang", out var lang) && lang.ValueKind == JsonValueKind.String ? Languages.Parse(lang.GetString()) : Languages.English;
                result.Add(new AnnotatedLine(text, signals, harm, predator) { Language = language });
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new DataFormatException($"{path}:{lineNumber}: {ex.Message}");
            }
        }

        return result;
    }

    /// <summary>Reads the Perverted-Justice folder through its index.csv.</summary>
    public static List<PjOffender> ReadPervertedJustice(string directory)
    {
        string indexPath = Path.Combine(directory, "index.csv");
        if (!File.Exists(indexPath))
        {
            throw new DataFormatException($"{indexPath}: not found (expected the Perverted-Justice index)");
        }

        var result = new List<PjOffender>();
        int lineNumber = 0;
        foreach (var row in Csv.ReadRows(indexPath))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                continue;
            }

            if (row.Count < 3)
            {
                throw new DataFormatException($"{indexPath}:{lineNumber}: expected username,predator_file,officer_files");
            }

            var offenderLines = ReadNonEmptyLines(Path.Combine(directory, row[1]));
            var decoyLines = new List<string>();
            foreach (var officer in row[2].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                decoyLines.AddRange(ReadNonEmptyLines(Path.Combine(directory, officer)));
            }

            result.Add(new PjOffender(row[0], offenderLines, decoyLines));
        }

        return result;
    }

    private static List<string> ReadNonEmptyLines(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException($"{path}: not found (listed in index.csv)");
        }

        var lines = new List<string>();
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0)
            {
                lines.Add(trimmed);
            }
        }

        return lines;
    }

    /// <summary>Reads VTPAN <c>row_id,segment,label</c> rows as one-message conversations with an unknown author.</summary>
    public static List<ChatConversation> ReadVtpan(string path)
    {
        var result = new List<ChatConversation>();
        int rowNumber = 0;
        foreach (var row in Csv.ReadRows(path))
        {
            rowNumber++;
            if (rowNumber == 1)
            {
                continue;
            }

            if (row.Count != 3 || (row[2] != "0" && row[2] != "1"))
            {
                throw new DataFormatException($"{path}: row {rowNumber}: expected row_id,segment,label with label 0 or 1");
            }

            string id = "vtpan-" + row[0].ToString(CultureInfo.InvariantCulture);
            result.Add(new ChatConversation
            {
                Id = id,
                Source = "vtpan",
                Label = row[2] == "1" ? HarmLabel.Grooming : HarmLabel.Benign,
                Messages = [new ChatLine("unknown", row[1], [])],
                Predators = row[2] == "1" ? new HashSet<string> { "unknown" } : new HashSet<string>(),
                Group = id,
            });
        }

        return result;
    }

    /// <summary>
    /// Reads the German / Dutch VTPAN translations (<c>row_id,messages_xx,label</c>, messages as a Python list literal of
    /// strings) as one-message conversations: the chat's messages joined by spaces into one pasted log with an unknown
    /// author, as a translated chat arrives when pasted. The language comes from the column name (<c>messages_de</c> → de,
    /// <c>messages_dutch</c> → nl). Rows of the two files with the same <c>row_id</c> are the same chat, so they share a group
    /// (and therefore a split).
    /// </summary>
    public static List<ChatConversation> ReadVtpanTranslated(string path)
    {
        var result = new List<ChatConversation>();
        int rowNumber = 0;
        string language = string.Empty;
        foreach (var row in Csv.ReadRows(path))
        {
            rowNumber++;
            if (rowNumber == 1)
            {
                if (row.Count != 3 || !row[1].StartsWith("messages_", StringComparison.Ordinal))
                {
                    throw new DataFormatException($"{path}: row 1: expected the header row_id,messages_<language>,label");
                }

                string suffix = row[1]["messages_".Length..];
                try
                {
                    language = Languages.Parse(suffix switch { "dutch" => "nl", "german" => "de", _ => suffix });
                }
                catch (FormatException e)
                {
                    throw new DataFormatException($"{path}: row 1: column {row[1]}: {e.Message}");
                }

                continue;
            }

            if (row.Count != 3 || (row[2] != "0" && row[2] != "1"))
            {
                throw new DataFormatException($"{path}: row {rowNumber}: expected row_id,messages,label with label 0 or 1");
            }

            List<string> messages;
            try
            {
                messages = PythonStringList.Parse(row[1]);
            }
            catch (FormatException e)
            {
                throw new DataFormatException($"{path}: row {rowNumber}: field messages: {e.Message}");
            }

            string text = string.Join(' ', messages.Where(m => !string.IsNullOrWhiteSpace(m)));
            if (text.Length == 0)
            {
                continue;
            }

            bool grooming = row[2] == "1";
            result.Add(new ChatConversation
            {
                Id = $"vtpan-{language}-{row[0]}",
                Source = "vtpan-" + language,
                Label = grooming ? HarmLabel.Grooming : HarmLabel.Benign,
                Messages = [new ChatLine("log", text, [])],
                Predators = grooming ? new HashSet<string> { "log" } : new HashSet<string>(),
                Group = "vtpan-translated-" + row[0],
                Language = language,
            });
        }

        return result;
    }

    private static string ReadString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            throw new FormatException($"field '{name}': missing");
        }

        return ScalarText(value);
    }

    private static string ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Number => value.GetRawText(),
        _ => throw new FormatException($"expected a string, got {value.ValueKind}"),
    };
}

/// <summary>A small RFC 4180 CSV reader (quoted fields, doubled quotes, newlines inside quotes).</summary>
internal static class Csv
{
    public static IEnumerable<List<string>> ReadRows(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var field = new StringBuilder();
        var row = new List<string>();
        bool inQuotes = false;
        bool any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            char ch = (char)c;
            any = true;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                inQuotes = true;
            }
            else if (ch == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (ch == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                yield return row;
                row = [];
                any = false;
            }
            else if (ch != '\r')
            {
                field.Append(ch);
            }
        }

        if (any)
        {
            row.Add(field.ToString());
            yield return row;
        }
    }
}
