using SafeChat.Conversations;
using SafeChat.Inference;
using SafeChat.Inference.Models;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Detection;

public sealed class OnnxSafetyScorerTests(ScorerFixture fixture) : IClassFixture<ScorerFixture>
{
    private const AgeBand Adult = AgeBand.Adult;
    private const AgeBand Teen = AgeBand.Teen;
    private const AgeBand Unknown = AgeBand.Unknown;

    [Fact]
    public void LoadDefault_EmbeddedModels_VerifiedAndDescribed()
    {
        var descriptor = fixture.Scorer.Descriptor;

        Assert.Equal("safechat-signals-v1", descriptor.ModelId);
        Assert.Matches("^safechat-signals-v1@[0-9a-f]{8}\\+safechat-risk-v1@[0-9a-f]{8}\\+semantic@[0-9a-f]{8}$", descriptor.ModelVersion);
        Assert.Equal(SignalNames.All, descriptor.SignalNames);
        foreach (var harm in HarmNames.All)
        {
            Assert.InRange(descriptor.AlertThresholds[harm], 0.01f, 1f);
        }
    }

    [Fact]
    public void Assess_GameChatGroomingWithoutExplicitWords_AlertsAndNamesGroomer()
    {
        var conversation = new List<(string, AgeBand, string)>
        {
            ("xXblazeXx", Unknown, "gg that round was close"),
            ("kid_mika", Teen, "ya lol i almost died"),
            ("xXblazeXx", Unknown, "ur actually cracked at this game"),
            ("kid_mika", Teen, "thx haha"),
            ("xXblazeXx", Unknown, "how old r u btw"),
            ("kid_mika", Teen, "14"),
            ("xXblazeXx", Unknown, "ur so mature for ur age fr"),
            ("kid_mika", Teen, "lol ok"),
            ("xXblazeXx", Unknown, "i can get u the battle pass if u want"),
            ("kid_mika", Teen, "wait rly??"),
            ("xXblazeXx", Unknown, "ya but dont tell ur parents ok its our thing"),
            ("kid_mika", Teen, "ok"),
            ("xXblazeXx", Unknown, "add me on snap its easier to talk there"),
            ("kid_mika", Teen, "sure whats ur user"),
        };

        var replay = fixture.Replay(conversation);
        var last = replay[^1];

        Assert.True(
            last.Harms[HarmNames.Grooming] >= fixture.Threshold(HarmNames.Grooming),
            $"grooming risk {last.Harms[HarmNames.Grooming]:F3} < threshold {fixture.Threshold(HarmNames.Grooming):F3}");
        Assert.Equal("xXblazeXx", last.Authors[0].AuthorId);
        Assert.Contains(last.Signals, e => e.AuthorId == "xXblazeXx" && e.Signal is SignalNames.Secrecy or SignalNames.OffPlatform);
        Assert.True(replay[1].Harms[HarmNames.Grooming] < fixture.Threshold(HarmNames.Grooming), "small talk alone must not alert");
    }

    [Fact]
    public void Assess_MomAsksIfHomeAlone_StaysBelowThresholds()
    {
        var conversation = new List<(string, AgeBand, string)>
        {
            ("mom", Adult, "hey sweetie are you home alone? dad is stuck at work"),
            ("leo", Teen, "ya im home"),
            ("mom", Adult, "ok lock the door and dont open it for anyone"),
            ("leo", Teen, "k"),
            ("mom", Adult, "theres pasta in the fridge, heat it up for dinner"),
            ("leo", Teen, "can i play games after homework"),
            ("mom", Adult, "yes after homework. love you, be home by 7"),
            ("leo", Teen, "love u too"),
            ("mom", Adult, "text me when you finish math"),
            ("leo", Teen, "done w math lol"),
        };

        var replay = fixture.Replay(conversation);

        foreach (var assessment in replay)
        {
            Assert.True(assessment.Harms[HarmNames.Grooming] < fixture.Threshold(HarmNames.Grooming), $"grooming {assessment.Harms[HarmNames.Grooming]:F3}");
            Assert.True(assessment.Harms[HarmNames.Sextortion] < fixture.Threshold(HarmNames.Sextortion), $"sextortion {assessment.Harms[HarmNames.Sextortion]:F3}");
        }
    }

    [Fact]
    public void Assess_SextortionConversation_AlertsWithClaimThreatPaymentDeadline()
    {
        var conversation = new List<(string, AgeBand, string)>
        {
            ("jess_xo", Unknown, "hey cutie u up"),
            ("sam", Teen, "ya whats up"),
            ("jess_xo", Unknown, "i saved the pics u sent me last night"),
            ("sam", Teen, "wait what"),
            ("jess_xo", Unknown, "i will send them to all ur followers and ur family"),
            ("sam", Teen, "please dont"),
            ("jess_xo", Unknown, "pay me 300 dollars in gift cards"),
            ("sam", Teen, "i dont have that"),
            ("jess_xo", Unknown, "u have 1 hour or everyone sees them"),
        };

        var last = fixture.Replay(conversation)[^1];

        Assert.True(
            last.Harms[HarmNames.Sextortion] >= fixture.Threshold(HarmNames.Sextortion),
            $"sextortion risk {last.Harms[HarmNames.Sextortion]:F3} < threshold {fixture.Threshold(HarmNames.Sextortion):F3}");
        Assert.Equal("jess_xo", last.Authors[0].AuthorId);
        var fired = last.Signals.Where(e => e.AuthorId == "jess_xo").Select(e => e.Signal).ToHashSet();
        Assert.Contains(SignalNames.ImageClaim, fired);
        Assert.Contains(SignalNames.ThreatAudience, fired);
        Assert.Contains(SignalNames.PaymentDemand, fired);
        Assert.Contains(SignalNames.Deadline, fired);
    }

    [Theory]
    [InlineData("s3nd p1c", SignalNames.ImageRequest)]
    [InlineData("a d d  m e  o n  s n a p", SignalNames.OffPlatform)]
    [InlineData("d0nt t3ll ur p4rents", SignalNames.Secrecy)]
    public void AnalyzeMessage_EvasiveSpelling_FiresTheSignal(string text, string signal)
    {
        float p = fixture.Probability(text, signal);

        Assert.True(p >= 0.5f, $"{signal} = {p:F3} for '{text}'");
    }

    [Theory]
    [InlineData("im 13 lol", true)]
    [InlineData("my mom wont let me go", true)]
    [InlineData("gg ez mid was trash", false)]
    [InlineData("just got off work, traffic was awful", false)]
    public void AnalyzeMessage_MinorCueHead_FiresOnLinesSayingTheWriterIsAMinor(string text, bool minor)
    {
        float cue = fixture.Scorer.AnalyzeMessage(text).MinorCue;

        Assert.True(minor ? cue >= 0.5f : cue < 0.5f, $"minor_cue = {cue:F3} for '{text}'");
    }

    [Fact]
    public void Assess_SingleAmbiguousLine_DoesNotAlert()
    {
        var replay = fixture.Replay([("someone", Unknown, "are you alone right now?")]);

        Assert.True(replay[0].Harms[HarmNames.Grooming] < fixture.Threshold(HarmNames.Grooming));
        Assert.True(replay[0].Harms[HarmNames.Sextortion] < fixture.Threshold(HarmNames.Sextortion));
    }

    [Fact]
    public void AnalyzeBatch_SameTexts_EqualsSingleMessages()
    {
        string[] texts =
        [
            "how old r u",
            "",
            "gg ez",
            "send me a pic of u rn",
            string.Join(' ', Enumerable.Repeat("we should meet at the mall on saturday, dont tell anyone ok", 12)),
        ];

        var batch = fixture.Scorer.AnalyzeBatch(texts);

        Assert.Equal(texts.Length, batch.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            var single = fixture.Scorer.AnalyzeMessage(texts[i]);
            Assert.Equal(single.Probabilities.ToArray(), batch[i].Probabilities.ToArray(), (a, b) => Math.Abs(a - b) < 1e-6f);
            Assert.Equal(single.HarmProbabilities.ToArray(), batch[i].HarmProbabilities.ToArray(), (a, b) => Math.Abs(a - b) < 1e-6f);
        }
    }

    [Fact]
    public void Assess_LongPastedLog_ScoredInChunksWithEvidenceAndBenignLogQuiet()
    {
        string filler = string.Join(' ', Enumerable.Repeat("hi how was school lol ok", 30));
        string grooming = filler + " how old are u ur so mature. dont tell ur mom about us ok. send me a pic. lets meet at the park saturday";
        string benign = filler + " mom can u pick me up at 5. ok sweetie, did u finish ur homework. yes. love u see u soon";

        var groomingSignals = fixture.Scorer.AnalyzeMessage(grooming);
        var benignSignals = fixture.Scorer.AnalyzeMessage(benign);
        var groomingRisk = fixture.Scorer.Assess([new WindowMessage(0, "unknown", Unknown, groomingSignals)]);
        var benignRisk = fixture.Scorer.Assess([new WindowMessage(0, "unknown", Unknown, benignSignals)]);

        // The message result is the per-signal maximum over its chunks; the tail chunk carries the grooming moves.
        Assert.Contains(groomingRisk.Signals, e => e.Harm == HarmNames.Grooming && e.Probability >= 0.5f);
        Assert.DoesNotContain(benignRisk.Signals, e => e.Signal is SignalNames.Secrecy or SignalNames.ImageRequest);
        Assert.All(groomingRisk.Signals, e => Assert.Equal(0, e.MessageIndex));
        Assert.True(benignRisk.Harms[HarmNames.Grooming] < fixture.Threshold(HarmNames.Grooming));
    }

    [Fact]
    public void Assess_PastedGroomingLogWithoutSpeakers_AlertsFromTheTranscriptHead()
    {
        // A whole chat pasted as one message (how VTPAN segments and user reports arrive): no speaker markers.
        string log = "hey whats up not much just got home from school cool how old are you again 13 why lol just wondering " +
                     "you seem older than 13 honestly youre really mature for your age thanks i guess are your parents home " +
                     "no my mom works late and my dad isnt around ok good so its just you there yeah im alone till like 9 " +
                     "you should delete our chats after ok so your mom doesnt see them she wouldnt understand us ok i will " +
                     "do you have a cam i wanna see you maybe later we could meet up sometime i can drive to you this weekend " +
                     "dont tell anyone about me ok its our secret";
        var signals = fixture.Scorer.AnalyzeMessage(log);
        var risk = fixture.Scorer.Assess([new WindowMessage(0, "unknown", Unknown, signals)]);

        Assert.True(signals.TranscriptGrooming > 0f, "a long message carries a transcript score");
        Assert.Equal(HarmNames.All.Count, signals.HarmProbabilities.Length);
        Assert.True(
            risk.Harms[HarmNames.Grooming] >= fixture.Threshold(HarmNames.Grooming),
            $"grooming risk {risk.Harms[HarmNames.Grooming]:F3} < threshold {fixture.Threshold(HarmNames.Grooming):F3}");
    }

    [Fact]
    public void Assess_PastedFamilyAndGameLogs_StayBelowTheThreshold()
    {
        string family = "mom are you picking me up today yes sweetie at 5 by the gym door ok can my friend come over after " +
                        "if her mom says yes sure did you finish your science project almost i need to print it tonight " +
                        "ok dad can help you with the printer are you home alone right now no grandma is here ok good " +
                        "dont forget to feed the dog and lock the door when you leave love you see you at 5 love you too";
        string game = "gg ez mid was so bad lol who picked that hero report our carry he fed 10 times open mid pls " +
                      "no way we can win this one more game then i have to sleep add me for next match whats your steam " +
                      "i just got the new skin from the battle pass its so sick dude that ult was insane nice play bro " +
                      "lets queue again tomorrow after school ok ill be on at 6 cya";
        foreach (string log in new[] { family, game })
        {
            var signals = fixture.Scorer.AnalyzeMessage(log);
            var risk = fixture.Scorer.Assess([new WindowMessage(0, "unknown", Unknown, signals)]);
            Assert.True(
                risk.Harms[HarmNames.Grooming] < fixture.Threshold(HarmNames.Grooming),
                $"grooming risk {risk.Harms[HarmNames.Grooming]:F3} >= threshold for: {log[..30]}");
        }
    }

    [Fact]
    public void Assess_AdultChatRoomBanterWithoutMinors_NoAuthorReachesTheGroomingThreshold()
    {
        // Several adults in a public room, flirting and joking; ages unknown, nobody reads as a minor.
        var room = new List<(string, AgeBand, string)>
        {
            ("nightowl_34", Unknown, "evening room, any ladies here tonight lol"),
            ("kaylee_b", Unknown, "depends who is asking"),
            ("nightowl_34", Unknown, "34/m bored after work, u?"),
            ("kaylee_b", Unknown, "29 f, just got off a double shift"),
            ("marco77", Unknown, "lol here we go again"),
            ("nightowl_34", Unknown, "u single?"),
            ("kaylee_b", Unknown, "wouldnt u like to know"),
            ("marco77", Unknown, "he asks everyone that every night"),
            ("nightowl_34", Unknown, "ur dirty marco"),
            ("tess_k", Unknown, "who spilled wine on the keyboard, this chat is wild"),
            ("marco77", Unknown, "my wife says hi to all of u lol"),
            ("nightowl_34", Unknown, "wanna pm kaylee?"),
            ("kaylee_b", Unknown, "maybe later, watching the game"),
            ("tess_k", Unknown, "go birds"),
        };

        var replay = fixture.Replay(room);

        Assert.All(replay, r => Assert.True(
            r.Harms[HarmNames.Grooming] < fixture.Threshold(HarmNames.Grooming),
            $"grooming risk {r.Harms[HarmNames.Grooming]:F3} >= threshold"));
    }

    [Fact]
    public void Assess_KnownAdultsFlirting_NoGroomingAlert()
    {
        var chat = new List<(string, AgeBand, string)>
        {
            ("devon_31", Adult, "hey saw ur profile, u into hiking too?"),
            ("mara.k", Adult, "haha yes every weekend"),
            ("devon_31", Adult, "ur really pretty btw"),
            ("mara.k", Adult, "thank u :)"),
            ("devon_31", Adult, "u alone tonight? we could video call"),
            ("mara.k", Adult, "maybe, my roommate is out"),
            ("devon_31", Adult, "send a pic of ur outfit lol"),
            ("mara.k", Adult, "[photo]"),
            ("devon_31", Adult, "wow. add me on snap its easier"),
            ("mara.k", Adult, "ok whats ur user"),
            ("devon_31", Adult, "lets meet saturday at the brewery"),
        };

        var replay = fixture.Replay(chat);

        Assert.All(replay, r => Assert.True(r.Harms[HarmNames.Grooming] < fixture.Threshold(HarmNames.Grooming)));
    }

    // Two declared 13-year-olds (no assurance): an age question, a secret, a skin gift, a photo of a dog and a move to
    // Discord are how peers talk.
    private static readonly List<(string, AgeBand, string)> PeerChat =
    [
        ("pixelpanda", Teen, "yo how old r u"),
        ("toastyboi", Teen, "13 u?"),
        ("pixelpanda", Teen, "same lol what grade"),
        ("toastyboi", Teen, "8th"),
        ("pixelpanda", Teen, "dont tell anyone but i found the secret base code"),
        ("toastyboi", Teen, "omg tell me"),
        ("pixelpanda", Teen, "ill gift u the skin if u help me farm"),
        ("toastyboi", Teen, "deal"),
        ("pixelpanda", Teen, "send me a pic of ur dog again hes so cute"),
        ("toastyboi", Teen, "[photo]"),
        ("pixelpanda", Teen, "add me on discord its easier to call"),
        ("toastyboi", Teen, "k whats ur tag"),
        ("pixelpanda", Teen, "is ur mom home rn can u call"),
        ("toastyboi", Teen, "ya but she doesnt care"),
    ];

    [Fact]
    public void Assess_DeclaredSameAgePeersWithoutSexualTalk_NoGroomingAlert()
    {
        var replay = fixture.Replay(PeerChat);

        Assert.All(replay, r => Assert.True(
            r.Harms[HarmNames.Grooming] < fixture.Threshold(HarmNames.Grooming),
            $"grooming risk {r.Harms[HarmNames.Grooming]:F3} >= threshold"));
    }

    [Fact]
    public void Assess_DeclaredPeerWhoTurnsSexual_StillAlerts()
    {
        // A declared "13" proves nothing: the same chat with sexual talk by one side alerts.
        var chat = new List<(string, AgeBand, string)>(PeerChat)
        {
            ("pixelpanda", Teen, "r u alone in ur room"),
            ("toastyboi", Teen, "ya why"),
            ("pixelpanda", Teen, "send me a pic with no shirt on, u can see mine after"),
            ("toastyboi", Teen, "idk"),
            ("pixelpanda", Teen, "have u ever touched urself? i want to see u naked"),
            ("toastyboi", Teen, "thats weird"),
            ("pixelpanda", Teen, "dont tell ur mom, take ur clothes off for me on cam"),
        };

        var replay = fixture.Replay(chat);

        Assert.True(
            replay[^1].Harms[HarmNames.Grooming] >= fixture.Threshold(HarmNames.Grooming),
            $"grooming risk {replay[^1].Harms[HarmNames.Grooming]:F3} < threshold");
    }

    [Fact]
    public void AnalyzeMessage_ShortChatTurn_HasNoTranscriptScore()
    {
        var signals = fixture.Scorer.AnalyzeMessage("dont tell ur parents ok its our secret");

        Assert.Equal(0f, signals.TranscriptGrooming);
    }

    [Fact]
    public void Load_TamperedModelFile_FailsIntegrityCheck()
    {
        string root = Path.Combine(Path.GetTempPath(), "safechat-tamper-" + Guid.NewGuid().ToString("N"));
        try
        {
            ShippedModels.Extract("safechat-signals-v1", root);
            ShippedModels.Extract("safechat-risk-v1", root);
            using (OnnxSafetyScorer.Load(root))
            {
            }

            string model = Path.Combine(root, "safechat-risk-v1", "model.onnx");
            var bytes = File.ReadAllBytes(model);
            bytes[^1] ^= 0x5A;
            File.WriteAllBytes(model, bytes);

            var ex = Assert.Throws<ModelIntegrityException>(() => OnnxSafetyScorer.Load(root));
            Assert.Contains("model.onnx", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
