using SafeChat.Policies;
using SafeChat.Scoring;

namespace SafeChat.Cli;

/// <summary>
/// Scores a gold file through exactly the <c>score</c> pipeline (<see cref="ScoreCommand"/>) and keeps the results in
/// memory, aligned with the gold conversations. Invalid gold lines are blanked (so line numbers stay right) and were
/// already reported by <see cref="GoldReader"/>.
/// </summary>
internal static class ScoringRun
{
    /// <summary>The results in gold order, or null when scoring failed (the error is already on stderr).</summary>
    public static async Task<IReadOnlyList<ScoredConversation>?> ScoreAsync(
        CliContext context,
        string inputName,
        byte[] fileBytes,
        IReadOnlyList<GoldConversation> gold,
        ISafetyScorer scorer,
        IMessagePolicy? policy,
        CancellationToken cancellationToken)
    {
        var input = new MemoryStream(BlankInvalidLines(fileBytes, gold.Select(g => g.LineNumber).ToHashSet()), writable: false);
        using var output = new MemoryStream();
        int exit;
        using (var progress = context.Progress("scoring", gold.Count))
        {
            Stream sink = progress.IsVisible ? new LineCountingStream(output, progress) : output;
            exit = await ScoreCommand.RunAsync(new ScoreSettings(inputName, SkipInvalid: true), scorer, policy, input, sink, progress.Wrap(context.Error), context.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        if (exit != CliApplication.ExitOk)
        {
            return null;
        }

        var results = new List<ScoredConversation>(gold.Count);
        ReadOnlyMemory<byte> bytes = output.GetBuffer().AsMemory(0, (int)output.Length);
        while (bytes.Length > 0)
        {
            var newline = bytes.Span.IndexOf((byte)'\n');
            var line = newline < 0 ? bytes : bytes[..newline];
            if (line.Length > 0)
            {
                results.Add(ScoredConversation.Parse(line.Span));
            }

            bytes = newline < 0 ? ReadOnlyMemory<byte>.Empty : bytes[(newline + 1)..];
        }

        if (results.Count != gold.Count)
        {
            await context.Error.WriteLineAsync($"error: {inputName}: scored {results.Count} conversations for {gold.Count} gold lines").ConfigureAwait(false);
            return null;
        }

        return results;
    }

    private static byte[] BlankInvalidLines(byte[] bytes, HashSet<int> validLines)
    {
        var copy = (byte[])bytes.Clone();
        var lineNumber = 1;
        var start = 0;
        for (var i = 0; i <= copy.Length; i++)
        {
            if (i < copy.Length && copy[i] != (byte)'\n')
            {
                continue;
            }

            if (!validLines.Contains(lineNumber))
            {
                copy.AsSpan(start, i - start).Fill((byte)' ');
            }

            lineNumber++;
            start = i + 1;
        }

        return copy;
    }
}
