using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>The names used in policy files for enum values. They are a public contract: never rename one.</summary>
public static class PolicyNames
{
    private static readonly (PolicyAction Value, string Name)[] ActionNames =
    [
        (PolicyAction.Allow, "allow"),
        (PolicyAction.WarnSender, "warn-sender"),
        (PolicyAction.WarnRecipient, "warn-recipient"),
        (PolicyAction.Hold, "hold"),
        (PolicyAction.Block, "block"),
        (PolicyAction.DenyJoin, "deny-join"),
        (PolicyAction.Freeze, "freeze"),
        (PolicyAction.Escalate, "escalate"),
        (PolicyAction.HoldSender, "hold-sender"),
    ];

    private static readonly (RelationshipKind Value, string Name)[] RelationshipKindNames =
    [
        (RelationshipKind.Friend, "friend"),
        (RelationshipKind.Family, "family"),
        (RelationshipKind.TeacherOrCoach, "teacher-coach"),
        (RelationshipKind.Guardian, "guardian"),
        (RelationshipKind.Ward, "ward"),
    ];

    private static readonly (RelationshipBasis Value, string Name)[] RelationshipBasisNames =
    [
        (RelationshipBasis.Declared, "declared"),
        (RelationshipBasis.MutualFollow, "mutual-follow"),
        (RelationshipBasis.VerifiedByPlatform, "verified-by-platform"),
    ];

    private static readonly (Severity Value, string Name)[] SeverityNames =
        [(Severity.Low, "low"), (Severity.Medium, "medium"), (Severity.High, "high"), (Severity.Critical, "critical")];

    private static readonly (AgeBand Value, string Name)[] AgeBandNames =
        [(AgeBand.Child, "child"), (AgeBand.Teen, "teen"), (AgeBand.Adult, "adult"), (AgeBand.Unknown, "unknown")];

    private static readonly (AgeAssurance Value, string Name)[] AssuranceNames =
    [
        (AgeAssurance.Unknown, "unknown"),
        (AgeAssurance.SelfDeclared, "self-declared"),
        (AgeAssurance.Estimated, "estimated"),
        (AgeAssurance.Verified, "verified"),
    ];

    private static readonly (RoomKind Value, string Name)[] RoomNames =
        [(RoomKind.Public, "public"), (RoomKind.Group, "group"), (RoomKind.Private, "private"), (RoomKind.Direct, "direct"), (RoomKind.Livestream, "livestream")];

    private static readonly (MessageFeature Value, string Name)[] FeatureNames =
        [(MessageFeature.Link, "link"), (MessageFeature.Image, "image"), (MessageFeature.ContactHandle, "contact_handle"), (MessageFeature.KnownCsamMatch, "known_csam_match"), (MessageFeature.SharedSignalLead, "shared_signal_lead")];

    /// <summary>The age alias <c>minor</c> stands for <c>child</c> and <c>teen</c>.</summary>
    public const string MinorAlias = "minor";

    /// <summary>Action names, in enum order.</summary>
    public static IReadOnlyList<string> Actions { get; } = ActionNames.Select(a => a.Name).ToArray();

    /// <summary>Severity names.</summary>
    public static IReadOnlyList<string> Severities { get; } = SeverityNames.Select(a => a.Name).ToArray();

    /// <summary>Age band names (plus the alias <see cref="MinorAlias"/>).</summary>
    public static IReadOnlyList<string> AgeBands { get; } = AgeBandNames.Select(a => a.Name).ToArray();

    /// <summary>Age assurance names.</summary>
    public static IReadOnlyList<string> Assurances { get; } = AssuranceNames.Select(a => a.Name).ToArray();

    /// <summary>Room kind names.</summary>
    public static IReadOnlyList<string> Rooms { get; } = RoomNames.Select(a => a.Name).ToArray();

    /// <summary>Message feature names.</summary>
    public static IReadOnlyList<string> Features { get; } = FeatureNames.Select(a => a.Name).ToArray();

    /// <summary>The word for "no relationship" in a <c>relationship</c> condition's kinds.</summary>
    public const string NoRelationship = "none";

    /// <summary>Relationship kind names (a <c>relationship</c> condition also takes <see cref="NoRelationship"/>).</summary>
    public static IReadOnlyList<string> RelationshipKinds { get; } = RelationshipKindNames.Select(a => a.Name).ToArray();

    /// <summary>Relationship basis names (how a relationship was established), weakest first.</summary>
    public static IReadOnlyList<string> RelationshipBases { get; } = RelationshipBasisNames.Select(a => a.Name).ToArray();

    /// <summary>The file and input name of a relationship kind.</summary>
    public static string Of(RelationshipKind value) => Find(RelationshipKindNames, value);

    /// <summary>The file and input name of a relationship basis.</summary>
    public static string Of(RelationshipBasis value) => Find(RelationshipBasisNames, value);

    /// <summary>Parses a relationship kind name (<see cref="RelationshipKinds"/>).</summary>
    public static bool TryParseRelationshipKind(string name, out RelationshipKind value) => TryFind(RelationshipKindNames, name, out value);

    /// <summary>Parses a relationship basis name (<see cref="RelationshipBases"/>).</summary>
    public static bool TryParseRelationshipBasis(string name, out RelationshipBasis value) => TryFind(RelationshipBasisNames, name, out value);

    /// <summary>The file name of an action.</summary>
    public static string Of(PolicyAction value) => Find(ActionNames, value);

    /// <summary>The file name of a severity.</summary>
    public static string Of(Severity value) => Find(SeverityNames, value);

    /// <summary>The file name of an age band.</summary>
    public static string Of(AgeBand value) => Find(AgeBandNames, value);

    /// <summary>The file name of an age assurance level.</summary>
    public static string Of(AgeAssurance value) => Find(AssuranceNames, value);

    /// <summary>The file name of a room kind.</summary>
    public static string Of(RoomKind value) => Find(RoomNames, value);

    /// <summary>The file name of a message feature.</summary>
    public static string Of(MessageFeature value) => Find(FeatureNames, value);

    internal static bool TryParseAction(string name, out PolicyAction value) => TryFind(ActionNames, name, out value);

    internal static bool TryParseSeverity(string name, out Severity value) => TryFind(SeverityNames, name, out value);

    internal static bool TryParseAgeBand(string name, out AgeBand value) => TryFind(AgeBandNames, name, out value);

    internal static bool TryParseAssurance(string name, out AgeAssurance value) => TryFind(AssuranceNames, name, out value);

    internal static bool TryParseRoom(string name, out RoomKind value) => TryFind(RoomNames, name, out value);

    internal static bool TryParseFeature(string name, out MessageFeature value) => TryFind(FeatureNames, name, out value);

    private static string Find<T>((T Value, string Name)[] table, T value)
        where T : struct, Enum
    {
        foreach (var (v, name) in table)
        {
            if (EqualityComparer<T>.Default.Equals(v, value))
            {
                return name;
            }
        }

        return value.ToString();
    }

    private static bool TryFind<T>((T Value, string Name)[] table, string name, out T value)
        where T : struct
    {
        foreach (var (v, n) in table)
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }
}
