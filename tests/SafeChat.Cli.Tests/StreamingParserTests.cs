using System.Globalization;
using System.Text;
using SafeChat.Testing;

namespace SafeChat.Cli.Tests;

/// <summary>
/// Issue 12: <see cref="ConversationParser.TryParse"/> reads well-formed lines in one forward pass and hands every other
/// line to the document reader. Whatever the line, it must give exactly what the document reader gives: the same
/// conversation field by field, or the same error.
/// </summary>
public class StreamingParserTests
{
    private static readonly string[] Lines =
    [
        """{"id":"c1","participants":[{"id":"adult","age":35},{"id":"kid","age":12,"age_assurance":"verified"}],"room":{"id":"r","kind":"direct"},"messages":[{"author":"adult","time":"2025-05-02T17:00:05Z","text":"hey"},{"author":"kid","time":"2025-05-02T17:00:40Z","text":"12"},{"author":"adult","text":"x"}]}""",
        """{"id":"c2","messages":[{"author":"a","time":1746205200,"text":"hi"},{"author":"b","time":"23:59","text":"yo"},{"author":"a","time":null,"text":null},{"author":42,"time":"-8","text":"z"}]}""",
        """{"id":7,"participants":[{"id":"x","age":"16","age_assurance":"self_declared"}],"room":{"kind":"group"},"messages":[{"author":"x","text":"\u202Ecip a em dnes"},{"text":"anonymous"}],"label":"ignored","extra":{"a":["b",{"c":1}]}}""",
        """{"id":"c4","messages":[]}""",
        """{"messages":[{"author":"a","time":"5","text":"later id"}],"id":"c5","room":"not an object","participants":"not an array"}""",
        """{"id":"c6","messages":[{"author":"a\u0062","time":" 12:5:07 ","text":"esc\"aped\n"},{"author":"ab","time":"1:2","text":""},{"author":"","time":"yesterday"},{"author":null,"time":{"x":1}},{"author":"ab","time":[1],"text":"t"}]}""",
        """{"id":"c7","messages":[{"author":"a","time":"10","text":"x"},{"author":"b","time":"9","text":"goes back"}],"room":{"kind":"LIVE","kind2":1}}""",
        """{"id":"c8","participants":[1,"x",null,{"id":""},{"id":null,"age":3},{"id":5,"age":17.9},{"id":"p","age":"12x","age_assurance":"Self-Declared"}],"messages":[{"author":"q","text":"x"}],"relationships":null}""",
        """{"id":"c9","relationships":[{"from":"a","to":"b","kind":"guardian"}],"messages":[{"author":"a","text":"x"},{"author":"b","text":"y"}]}""",
        """{"i\u0064":"c10","messages":[{"author":"a","text":"escaped key"}]}""",
        """{"id":"c11","messages":[{"author":"a","text":"x","intent":"A","intent":"B"}]}""",
        """{"id":"c12","id2":1,"messages":[{"author":"a","text":"x"}],"id2":2}""",
        """{"id":"c13","messages":[{"author":"a","time":"1899-12-31T00:00:00Z","text":"x"}]}""",
        """{"id":"c14","messages":[{"author":"a","time":1e300,"text":"x"}]}""",
        """{"id":"c15","messages":[{"author":"\ud800","text":"x"}]}""",
        """{"id":"c16","messages":[{"author":"a","text":"\udc00"}]}""",
        """{"id":"c17","messages":[{"author":"a","time":"\ud800","text":"x"}]}""",
        """{"id":"c18","participants":[{"id":"p","age":5},{"id":"p","age":40}],"messages":[{"author":"a","text":"x"}]}""",
        """{"id":"c19","participants":[{"id":"","age":"\ud800"}],"messages":[{"author":"a","text":"x"}]}""",
        """{"id":"c20","room":{"kind":"direct","kind":"group"},"messages":[{"author":"a","text":"x"}]}""",
        """{"id":"c21","messages":[{"author":true,"text":"x"}]}""",
        """{"id":"c22","messages":[{"author":"a","text":5}]}""",
        """{"id":"c23","messages":[1]}""",
        """{"id":"","messages":[]}""",
        """{"id":null,"messages":[]}""",
        """{"id":"c26","messages":{}}""",
        """{"id":"c27"}""",
        """[{"id":"c28","messages":[]}]""",
        """{"id":"c29","messages":[]} {"id":"c29b","messages":[]}""",
        """{"id":"c30","messages":[{"author":"a","text":"x"}]""",
        """{"id":"c31","messages":[{"author":"a","text":"x"}],}""",
        """{"id":"c32","messages":[]} x""",
        """{"id":"c33","messages":[]}  """,
        """{"id":"c34","messages":[{"author":"a","time":"2025-05-02","text":"x"},{"author":"a","time":"2300-01-01","text":"x"}]}""",
        """{"id":"c35","messages":[{"author":"a","time":"2025-05-02T17:00:05.1234567890123456789012345678901234567890123456789012345678901234567890Z","text":"x"},{"author":"a","time":"   7   ","text":"x"}]}""",
        """{"id":"c36","messages":[{"author":"u0","time":"0","text":"hi"},{"author":"u1","time":"1","text":"hi"},{"author":"u2","time":"2","text":"hi"},{"author":"u3","time":"3","text":"hi"},{"author":"u4","time":"4","text":"hi"},{"author":"u5","time":"5","text":"hi"},{"author":"u6","time":"6","text":"hi"},{"author":"u7","time":"7","text":"hi"},{"author":"u8","time":"8","text":"hi"},{"author":"u9","time":"9","text":"hi"},{"author":"u10","time":"10","text":"hi"},{"author":"u11","time":"11","text":"hi"},{"author":"u12","time":"12","text":"hi"},{"author":"u13","time":"13","text":"hi"},{"author":"u14","time":"14","text":"hi"},{"author":"u15","time":"15","text":"hi"},{"author":"u16","time":"16","text":"hi"},{"author":"u17","time":"17","text":"hi"},{"author":"u18","time":"18","text":"hi"},{"author":"u19","time":"19","text":"hi"},{"author":"u0","time":"20","text":"hi"},{"author":"u1","time":"21","text":"hi"},{"author":"u2","time":"22","text":"hi"},{"author":"u3","time":"23","text":"hi"},{"author":"u4","time":"24","text":"hi"},{"author":"u5","time":"25","text":"hi"},{"author":"u6","time":"26","text":"hi"},{"author":"u7","time":"27","text":"hi"},{"author":"u8","time":"28","text":"hi"},{"author":"u9","time":"29","text":"hi"},{"author":"u10","time":"30","text":"hi"},{"author":"u11","time":"31","text":"hi"},{"author":"u12","time":"32","text":"hi"},{"author":"u13","time":"33","text":"hi"},{"author":"u14","time":"34","text":"hi"},{"author":"u15","time":"35","text":"hi"},{"author":"u16","time":"36","text":"hi"},{"author":"u17","time":"37","text":"hi"},{"author":"u18","time":"38","text":"hi"},{"author":"u19","time":"39","text":"hi"}]}""",
        """{"id":"c37","participants":[{"id":"u0","age":10},{"id":"u1","age":11},{"id":"u2","age":12},{"id":"u3","age":13},{"id":"u4","age":14},{"id":"u5","age":15},{"id":"u6","age":16},{"id":"u7","age":17},{"id":"u8","age":18},{"id":"u9","age":19},{"id":"u10","age":20},{"id":"u11","age":21},{"id":"u12","age":22},{"id":"u13","age":23},{"id":"u14","age":24}],"messages":[{"author":"u0","time":"0"},{"author":"u1","time":"1"},{"author":"u2","time":"2"},{"author":"u0","time":"3"},{"author":"v1"},{"author":"v2"}]}""",
        """{"id":"c38","participants":[{"id":"b","age":12}],"messages":[{"author":"a","time":"-0","text":"x"},{"author":"b","time":"000000000000007"},{"author":"a","time":"1234567890123456"}]}""",
        """{"id":"c39","messages":[{"author":"a","time":"+5"},{"author":"a","time":"5 "},{"author":"a","time":"-"},{"author":"a","time":"1.5"},{"author":"a","time":"99999999999"}]}""",
        """{"id":"c40","messages":[{"author":"a","conda_split_x":1,"conda_split_y":2,"conda_split_x":3}]}""",
        """{"id":"c41","messages":[{"author":"a","abcdefgh":1,"abcdefgi":2,"abcdefg":3,"abcdefgh":4}]}""",
        """{"id":"c42","messages":[{"author":"a","conda_split_x":1,"conda_split_y":2,"abcdefg":3,"abcdefgi":4}]}""",
        """{"id":"c43","messages":[{"author":"a","b":1}],"c":1,"b":2,"c2":3,"b":4}""",
    ];

    [Fact]
    public void TryParse_HandPickedLines_MatchTheDocumentReader()
    {
        foreach (var line in Lines)
        {
            AssertSame(Encoding.UTF8.GetBytes(line), line);
        }

        // The well-formed lines without relationships or escaped keys are read in the one pass, not handed over.
        foreach (var line in Lines.Take(8).Append(Lines[32]).Append(Lines[34]))
        {
            Assert.NotNull(ConversationParser.TryReadStreaming(Encoding.UTF8.GetBytes(line)));
        }

        Assert.Null(ConversationParser.TryReadStreaming(Encoding.UTF8.GetBytes(Lines[8])));
        Assert.Null(ConversationParser.TryReadStreaming(Encoding.UTF8.GetBytes(Lines[9])));
    }

    [Fact]
    public void TryParse_FixtureLines_MatchTheDocumentReader()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "cli-fixtures"), "*.jsonl").Append(Path.Combine(AppContext.BaseDirectory, "samples", "demo.jsonl")).Concat(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "fixtures"), "*.jsonl", SearchOption.AllDirectories));
        var lines = 0;
        foreach (var file in files)
        {
            foreach (var line in File.ReadLines(file).Where(l => l.Trim().Length > 0))
            {
                AssertSame(Encoding.UTF8.GetBytes(line), $"{Path.GetFileName(file)}: line {++lines}");
            }
        }

        Assert.True(lines > 0);
    }

    [Fact]
    public void TryParse_MutatedLines_MatchTheDocumentReader()
    {
        var mutator = new InputMutator(20_261_212);
        var seeds = Lines.Take(8).Select(Encoding.UTF8.GetBytes).ToArray();
        var valid = 0;
        for (var i = 0; i < 3000; i++)
        {
            var line = mutator.Mutate(seeds[mutator.Next(seeds.Length)]);
            if (AssertSame(line, $"mutation {i}"))
            {
                valid++;
            }
        }

        // Both outcomes must be exercised, or the comparison proves little.
        Assert.InRange(valid, 100, 2900);
    }

    [Fact]
    public void TryParse_AuthorsAcrossLines_SameIdsAndParticipants()
    {
        // Author strings and unlisted participants are shared across lines (a cache keyed by the id's bytes); each
        // line must still read as the document reader reads it, whatever the cache held before.
        var lines = Enumerable.Range(0, 3000)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $$$"""{"id":"x{{{i}}}","participants":[{"id":"p{{{i % 7}}}","age":{{{10 + (i % 9)}}}}],"messages":[{"author":"p{{{i % 7}}}","text":"a"},{"author":"a{{{i % 1500}}}","time":"{{{i}}}"},{"author":"a{{{(i * 7) % 2048}}}"},{"author":"p{{{i % 7}}}"}]}"""))
            .ToArray();
        foreach (var line in lines.Concat(lines))
        {
            AssertSame(Encoding.UTF8.GetBytes(line), line);
        }
    }

    [Fact]
    public void TryParse_LoneSurrogateAuthorAfterAKnownAuthor_IsInvalidWithThePlace()
    {
        var line = Encoding.UTF8.GetBytes("""{"id":"c","messages":[{"author":"a","text":"x"},{"author":"\ud800","text":"y"}]}""");

        Assert.False(ConversationParser.TryParse(line, out _, out var error));

        Assert.Equal("messages[1].author: lone surrogate escape (\\uD800-\\uDFFF without its pair) in a string", error);
    }

    private static bool AssertSame(byte[] line, string where)
    {
        var streamed = ConversationParser.TryParse(line, out var conversation, out var error);
        var documented = ConversationParser.TryParseDocument(line, out var expected, out var expectedError);
        Assert.True(streamed == documented, $"{where}: {error} / {expectedError}");
        Assert.Equal(expectedError, error);
        Assert.Equal(Describe(expected), Describe(conversation));
        return streamed;
    }

    private static string Describe(InputConversation? conversation)
    {
        if (conversation is null)
        {
            return "none";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"id={conversation.Id} room={conversation.RoomKind} issue={conversation.TimeIssue}\n");
        foreach (var (key, participant) in conversation.Participants)
        {
            text.Append(CultureInfo.InvariantCulture, $"participant {key}={participant}\n");
        }

        foreach (var message in conversation.Messages)
        {
            text.Append(CultureInfo.InvariantCulture, $"message {message.Author}|{message.Text}|{message.Time:O}\n");
        }

        foreach (var (from, related) in conversation.Relationships)
        {
            foreach (var (to, relationship) in related)
            {
                text.Append(CultureInfo.InvariantCulture, $"relationship {from}->{to}={relationship}\n");
            }
        }

        return text.ToString();
    }
}
