using System.Globalization;
using SafeChat.Inference.Features;
using SafeChat.Scoring;

namespace SafeChat.Training.Data;

/// <summary>A hand-annotated Perverted-Justice offender line, read from the shared corpus by reference.</summary>
/// <param name="Text">The line's text (read at training time, never stored in the repository).</param>
/// <param name="Signals">The annotated signals (empty: annotated as carrying none).</param>
/// <param name="Offender">The offender's name (the split group).</param>
/// <param name="Part">The offender's part.</param>
internal sealed record PjAnnotatedLine(string Text, IReadOnlyList<string> Signals, string Offender, DataPart Part);

/// <summary>Real chat corpora: source names, the offender split of the interleaved Perverted-Justice sessions, annotations.</summary>
internal static class RealChat
{
    /// <summary>Name of the sessions file inside the perverted-justice-interleaved folder.</summary>
    public const string PjSessionsFile = "pj-interleaved-sessions-shared.jsonl";

    /// <summary>Held-out offenders among the interleaved ones (the first of them in stable-hash order).</summary>
    public const int PjHeldoutOffenders = 6;

    /// <summary>Validation offenders among the interleaved ones (the next in stable-hash order).</summary>
    public const int PjValidationOffenders = 3;

    /// <summary>The corpus name of a real-chat file, from its file name (ubuntu, convai2, dailydialog, or the stem).</summary>
    public static string SourceOf(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path).ToLowerInvariant();
        return name.StartsWith("ubuntu", StringComparison.Ordinal) ? "ubuntu"
            : name.StartsWith("convai2", StringComparison.Ordinal) ? "convai2"
            : name.StartsWith("dailydialog", StringComparison.Ordinal) ? "dailydialog"
            : name;
    }

    /// <summary><c>pjx-billy_joe-s3</c> → <c>billy_joe</c>.</summary>
    public static string PjxOffender(string id)
    {
        string rest = id.StartsWith("pjx-", StringComparison.Ordinal) ? id[4..] : id;
        int session = rest.LastIndexOf("-s", StringComparison.Ordinal);
        return session > 0 ? rest[..session] : rest;
    }

    /// <summary>A name as letters and digits only, lower case ("Billy Joe" and "billy_joe" → "billyjoe").</summary>
    public static string NormalizeName(string name) =>
        new([.. name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);

    /// <summary>
    /// Splits the interleaved offenders: ordered by the stable hash of their name, the first
    /// <see cref="PjHeldoutOffenders"/> are held out, the next <see cref="PjValidationOffenders"/> validate, the rest train.
    /// Keys are normalized names, so the same offender's koutli lines can be given the same part.
    /// </summary>
    public static Dictionary<string, DataPart> SplitOffenders(IEnumerable<string> offenders)
    {
        var ordered = offenders.Select(NormalizeName).Distinct(StringComparer.Ordinal)
            .OrderBy(n => FeatureHashing.StableHash("pjx|" + n)).ThenBy(n => n, StringComparer.Ordinal).ToList();
        var parts = new Dictionary<string, DataPart>(StringComparer.Ordinal);
        for (int i = 0; i < ordered.Count; i++)
        {
            parts[ordered[i]] = i < PjHeldoutOffenders ? DataPart.Heldout : i < PjHeldoutOffenders + PjValidationOffenders ? DataPart.Validation : DataPart.Train;
        }

        return parts;
    }

    /// <summary>
    /// Reads the annotation TSV (<c>line, message, part, text_fnv, signals</c>; '#' comments) and resolves every
    /// reference in <paramref name="sessions"/> (the sessions file's conversations, in file order). A reference whose
    /// text hash does not match is an error naming the TSV line, and so is a reference already annotated in
    /// <paramref name="seen"/> (another file or an earlier row: one line must not be trained on twice).
    /// </summary>
    public static List<PjAnnotatedLine> ReadAnnotations(string tsv, IReadOnlyList<ChatConversation> sessions, IReadOnlyDictionary<string, DataPart> parts, Dictionary<(int Line, int Message), string>? seen = null)
    {
        seen ??= [];
        var known = new HashSet<string>(SignalNames.All, StringComparer.Ordinal);
        var result = new List<PjAnnotatedLine>();
        int lineNumber = 0;
        foreach (var raw in File.ReadLines(tsv))
        {
            lineNumber++;
            if (raw.Length == 0 || raw[0] == '#' || raw.StartsWith("line\t", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = raw.Split('\t');
            if (fields.Length != 5
                || !int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int line)
                || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int message))
            {
                throw new DataFormatException($"{tsv}:{lineNumber}: expected 'line<TAB>message<TAB>part<TAB>text_fnv<TAB>signals'");
            }

            if (line < 1 || line > sessions.Count || message < 0 || message >= sessions[line - 1].Messages.Count)
            {
                throw new DataFormatException($"{tsv}:{lineNumber}: reference line {line} message {message} is outside {PjSessionsFile}");
            }

            if (!seen.TryAdd((line, message), $"{tsv}:{lineNumber}"))
            {
                throw new DataFormatException($"{tsv}:{lineNumber}: reference line {line} message {message} is already annotated at {seen[(line, message)]}");
            }

            var session = sessions[line - 1];
            string text = session.Messages[message].Text.Trim();
            string hash = FeatureHashing.StableHash(text).ToString("x8", CultureInfo.InvariantCulture);
            if (!string.Equals(hash, fields[3], StringComparison.OrdinalIgnoreCase))
            {
                throw new DataFormatException($"{tsv}:{lineNumber}: text hash {hash} does not match {fields[3]} (wrong version of {PjSessionsFile}?)");
            }

            var signals = fields[4].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            foreach (var signal in signals.Where(s => !known.Contains(s)))
            {
                throw new DataFormatException($"{tsv}:{lineNumber}: field 'signals': unknown signal '{signal}'");
            }

            string offender = PjxOffender(session.Id);
            var part = parts.GetValueOrDefault(NormalizeName(offender), DataPart.Heldout);
            result.Add(new PjAnnotatedLine(text, signals, offender, part));
        }

        return result;
    }
}
