using SafeChat.Training.Data;

namespace SafeChat.Training.Semantic;

/// <summary>One parallel line: an English chat line and our translation of it.</summary>
internal sealed record ParallelLine(string Id, string English, string Translation);

/// <summary>
/// Reads <c>--stage-parallel</c> files: UTF-8 TSV, one line per pair, <c>id&lt;TAB&gt;English&lt;TAB&gt;translation</c>;
/// empty lines and lines starting with <c>#</c> are skipped. A malformed line is an error naming file:line (never its text).
/// </summary>
internal static class ParallelLines
{
    public static IReadOnlyList<ParallelLine> Read(IEnumerable<string> paths)
    {
        var pairs = new List<ParallelLine>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            int number = 0;
            foreach (var line in File.ReadLines(path))
            {
                number++;
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var fields = line.Split('\t');
                if (fields.Length != 3 || fields.Any(f => f.Trim().Length == 0))
                {
                    throw new DataFormatException($"{path}:{number}: expected 3 non-empty tab-separated fields (id, English line, translation), found {fields.Length}");
                }

                if (!ids.Add(fields[0]))
                {
                    throw new DataFormatException($"{path}:{number}: field 'id': '{fields[0]}' appears twice");
                }

                pairs.Add(new ParallelLine(fields[0], fields[1].Trim(), fields[2].Trim()));
            }
        }

        return pairs;
    }
}
