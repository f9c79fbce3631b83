using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using SafeChat.Conversations;
using SafeChat.Policies;
using SafeChat.Scoring;

BenchmarkSwitcher.FromAssembly(typeof(PolicyEngineBenchmarks).Assembly).Run(args);

/// <summary>Cost of evaluating the default preset per message, and of loading it.</summary>
[MemoryDiagnoser]
public class PolicyEngineBenchmarks
{
    private PolicyEngine _engine = null!;
    private MessageContext _benign = null!;
    private MessageContext _blocked = null!;
    private MessageContext _latchedGrooming = null!;
    private string _presetSource = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = PolicyEngine.CreateDefault();
        _presetSource = PolicyPresets.GetSource(PolicyPresets.Default);
        var adult = new Participant("adult-1", AgeBand.Adult, AgeAssurance.Verified);
        var teen = new Participant("teen-1", AgeBand.Teen, AgeAssurance.SelfDeclared);
        var peers = Enumerable.Range(0, 8).Select(i => new Participant($"adult-{i + 2}", AgeBand.Adult, AgeAssurance.Verified)).ToArray();
        _benign = Context(RoomKind.Group, adult, peers, connected: [], grooming: 0.05f);
        _blocked = Context(RoomKind.Private, adult, [teen], connected: ["teen-1"], grooming: 0.1f);
        _latchedGrooming = Context(RoomKind.Group, adult, [teen], connected: ["teen-1"], grooming: 0.9f);
        _engine.EvaluateMessageAsync(_latchedGrooming).AsTask().GetAwaiter().GetResult(); // fire once; later calls are latched
    }

    [Benchmark(Baseline = true)]
    public IReadOnlyList<Decision> BenignGroupMessage() => _engine.EvaluateMessageAsync(_benign).GetAwaiter().GetResult();

    [Benchmark]
    public IReadOnlyList<Decision> PrivateRoomBlock() => _engine.EvaluateMessageAsync(_blocked).GetAwaiter().GetResult();

    [Benchmark]
    public IReadOnlyList<Decision> GroomingAlreadyEscalated() => _engine.EvaluateMessageAsync(_latchedGrooming).GetAwaiter().GetResult();

    [Benchmark]
    public PolicyDefinition LoadStrictMinors() => PolicyLoader.Parse(_presetSource, "strict-minors");

    private static MessageContext Context(RoomKind kind, Participant sender, Participant[] recipients, string[] connected, float grooming)
    {
        var harms = new Dictionary<string, float> { [HarmNames.Grooming] = grooming, [HarmNames.Sextortion] = 0f };
        return new MessageContext
        {
            Message = new ChatMessage("m1", "room-1", sender.Id, "text", DateTimeOffset.UnixEpoch),
            Room = new Room("room-1", kind),
            Sender = sender,
            Recipients = recipients,
            ConnectedRecipientIds = new HashSet<string>(connected),
            Assessment = new RiskAssessment(harms, [new AuthorRisk(sender.Id, harms)], []),
            SenderHarms = harms,
            MessageSignals = [],
        };
    }
}
