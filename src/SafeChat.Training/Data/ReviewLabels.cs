using SafeChat.Cli;
using SafeChat.Scoring;

namespace SafeChat.Training.Data;

/// <summary>
/// Reviewer feedback in the loop: relabels training conversations with the latest reviewer decision per conversation
/// and harm (the format the moderation API exports and <c>safechat eval</c>/<c>tune</c> read). A confirmed review makes
/// the conversation positive for that harm with the reviewed subject as the offender; a false positive makes it benign.
/// A confirmed review without a subject keeps the conversation's own offenders, or is skipped when it has none.
/// </summary>
internal static class ReviewLabels
{
    public static void Apply(List<ChatConversation> conversations, IEnumerable<string> reviewFiles, TextWriter log)
    {
        var decisions = new List<ReviewerDecision>();
        foreach (var path in reviewFiles)
        {
            var (read, errors) = ReviewerDecisionsReader.ReadAsync(path, CancellationToken.None).GetAwaiter().GetResult();
            if (errors.Count > 0)
            {
                throw new InvalidDataException(string.Join(Environment.NewLine, errors));
            }

            decisions.AddRange(read);
        }

        var latest = ReviewerDecisionsReader.LatestDecisions(decisions);
        int relabelled = 0, skipped = 0;
        for (int i = 0; i < conversations.Count; i++)
        {
            var c = conversations[i];
            foreach (var harm in HarmNames.All)
            {
                if (!latest.TryGetValue((c.Id, harm), out var decision))
                {
                    continue;
                }

                var label = LineExamples.LabelOf(HarmNames.All.ToList().IndexOf(harm));
                if (decision.Confirmed)
                {
                    var offenders = decision.SubjectUserId is { Length: > 0 } subject ? new HashSet<string>(StringComparer.Ordinal) { subject } : c.Predators;
                    if (offenders.Count == 0)
                    {
                        skipped++;
                        continue;
                    }

                    c = c.Relabelled(label, offenders);
                }
                else if (c.Label == label)
                {
                    c = c.Relabelled(HarmLabel.Benign, new HashSet<string>(StringComparer.Ordinal));
                }

                relabelled++;
            }

            conversations[i] = c;
        }

        log.WriteLine($"reviews: {decisions.Count} decisions, {relabelled} labels applied, {skipped} confirmed reviews without an offender skipped");
    }
}
