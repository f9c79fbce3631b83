using SafeChat.Training.Data;

namespace SafeChat.Training.Tests.Data;

public sealed class ReviewLabelsTests
{
    [Fact]
    public void Apply_ExportedReviews_RelabelsConfirmedAndFalsePositiveConversations()
    {
        var conversations = new List<ChatConversation>
        {
            Conversation("room-c", HarmLabel.Benign),
            Conversation("room-f", HarmLabel.Grooming, "adult-2"),
            Conversation("room-untouched", HarmLabel.Benign),
        };
        var path = Path.Combine(Path.GetTempPath(), $"reviews-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path,
        [
            // The moderation API's export lines (an older decision for room-c is overridden by the later one).
            """{"conversation_id":"room-c","harm":"grooming","decision":"false_positive","reviewed_at":"2026-01-01T00:00:00Z","subject_user_id":"adult-1"}""",
            """{"conversation_id":"room-c","harm":"grooming","decision":"confirmed","reviewed_at":"2026-01-02T00:00:00Z","subject_user_id":"adult-1","escalation_id":"esc_1"}""",
            """{"conversation_id":"room-f","harm":"grooming","decision":"false_positive","reviewed_at":"2026-01-02T00:00:00Z","subject_user_id":"adult-2"}""",
        ]);
        using var log = new StringWriter();
        try
        {
            ReviewLabels.Apply(conversations, [path], log);
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(HarmLabel.Grooming, conversations[0].Label);
        Assert.Equal(["adult-1"], conversations[0].Predators);
        Assert.Equal(HarmLabel.Benign, conversations[1].Label);
        Assert.Empty(conversations[1].Predators);
        Assert.Equal(HarmLabel.Benign, conversations[2].Label);
        Assert.Contains("3 decisions, 2 labels applied", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_MalformedReviewLine_ThrowsNamingFileAndLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"reviews-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, ["""{"conversation_id":"room-c","harm":"grooming","decision":"maybe","reviewed_at":"2026-01-02T00:00:00Z"}"""]);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => ReviewLabels.Apply([Conversation("room-c", HarmLabel.Benign)], [path], TextWriter.Null));
            Assert.Contains(":1:", error.Message, StringComparison.Ordinal);
            Assert.Contains("decision", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static ChatConversation Conversation(string id, HarmLabel label, params string[] predators) => new()
    {
        Id = id,
        Source = "synthetic",
        Label = label,
        Group = id,
        Predators = new HashSet<string>(predators),
        Messages = [new ChatLine("adult-1", "hey", []), new ChatLine("kid", "hi", [])],
    };
}
