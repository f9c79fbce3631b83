using SafeChat.Training.Data;
using SafeChat.Training.Tests.Onnx;

namespace SafeChat.Training.Tests.Detection;

public sealed class PjOffenderFoldTests
{
    private const int Folds = 5;

    [Fact]
    public void Fold_InterleavedSessionAndKoutliLinesOfOneOffender_ShareTheFold()
    {
        using var dir = new TempDirectory();
        var data = Load(dir, koutli: ["Billy Joe", "tory beltz"], sessions: ["pjx-billy_joe-s0", "pjx-billy_joe-s3", "pjx-tory_beltz-s1"]);

        foreach (var (session, koutliName) in new[] { ("billy_joe", "Billy Joe"), ("tory_beltz", "tory beltz") })
        {
            int expected = Splits.Fold("pj|" + koutliName, Folds);
            var sessionsOf = data.PjSessions.Where(c => c.Group == session).ToList();
            var koutliOf = data.PjConversations.Where(c => c.Group == "pj|" + koutliName).ToList();
            Assert.NotEmpty(sessionsOf);
            Assert.NotEmpty(koutliOf);
            Assert.All(sessionsOf, c => Assert.Equal(expected, data.Fold(c, Folds)));
            Assert.All(koutliOf, c => Assert.Equal(expected, data.Fold(c, Folds)));
            Assert.Equal(expected, data.PjOffenderFold(session, Folds));
        }
    }

    [Fact]
    public void PjOffenderFold_OffenderWithoutKoutliLines_FoldsByTheirOwnName()
    {
        using var dir = new TempDirectory();
        var data = Load(dir, koutli: ["Billy Joe"], sessions: ["pjx-ryan_thompson-s0"]);

        Assert.Equal(Splits.Fold("pj|ryan_thompson", Folds), data.PjOffenderFold("ryan_thompson", Folds));
        Assert.Equal(Splits.Fold("pj|ryan_thompson", Folds), data.Fold(Assert.Single(data.PjSessions), Folds));
    }

    [Fact]
    public void Fold_LegacyPjFolds_FoldsSessionsByTheirOwnNameAsUpToV8()
    {
        using var dir = new TempDirectory();
        var data = Load(dir, koutli: ["Billy Joe"], sessions: ["pjx-billy_joe-s0"], "--legacy-pj-folds");

        Assert.Equal(Splits.Fold("billy_joe", Folds), data.Fold(Assert.Single(data.PjSessions), Folds));
        Assert.Equal(Splits.Fold("pj|billy_joe", Folds), data.PjOffenderFold("billy_joe", Folds));
    }

    private static TrainingData Load(TempDirectory dir, string[] koutli, string[] sessions, params string[] extra)
    {
        string pj = dir.File("pj");
        Directory.CreateDirectory(Path.Combine(pj, "predators"));
        Directory.CreateDirectory(Path.Combine(pj, "officers"));
        var index = new List<string> { "username,predator_file,officer_files" };
        for (int o = 0; o < koutli.Length; o++)
        {
            File.WriteAllLines(Path.Combine(pj, "predators", $"p{o}.txt"), Enumerable.Range(0, 60).Select(i => $"offender {o} line {i}"));
            File.WriteAllLines(Path.Combine(pj, "officers", $"d{o}.txt"), Enumerable.Range(0, 60).Select(i => $"decoy {o} line {i}"));
            index.Add($"{koutli[o]},predators/p{o}.txt,officers/d{o}.txt");
        }

        File.WriteAllLines(Path.Combine(pj, "index.csv"), index);
        string interleaved = dir.File("pjx");
        Directory.CreateDirectory(interleaved);
        File.WriteAllLines(Path.Combine(interleaved, RealChat.PjSessionsFile), sessions.Select(id =>
            $$"""{"id": "{{id}}", "source": "pj-interleaved-sessions", "label": "grooming", "messages": [{"author": "offender", "time": "10:27", "text": "hey"}, {"author": "decoy", "time": "10:28", "text": "hi"}]}"""));
        string conversations = dir.File("conversations.jsonl");
        File.WriteAllText(conversations, string.Empty);
        var options = TrainingOptions.Parse(["--conversations", conversations, "--pj", pj, "--pj-interleaved", interleaved, .. extra], TextWriter.Null);
        Assert.NotNull(options);
        return TrainingData.Load(options, TextWriter.Null);
    }
}
