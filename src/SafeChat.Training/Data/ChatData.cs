using SafeChat.Conversations;

namespace SafeChat.Training.Data;

/// <summary>The harm label of a conversation or line.</summary>
internal enum HarmLabel
{
    Benign = 0,
    Grooming = 1,
    Sextortion = 2,
    Trafficking = 3,
    LivestreamCoercion = 4,
}

/// <summary>Which part of the data a conversation belongs to.</summary>
internal enum DataPart
{
    Train = 0,
    Validation = 1,
    Heldout = 2,
}

/// <summary>One message of a conversation, with its annotated signals where known.</summary>
internal sealed record ChatLine(string Author, string Text, IReadOnlyList<string> Signals);

/// <summary>A conversation from any corpus, in one shape.</summary>
internal sealed class ChatConversation
{
    public required string Id { get; init; }

    /// <summary>Corpus name: synthetic, pj, vtpan, dota, nps, pan12-sample.</summary>
    public required string Source { get; init; }

    public required HarmLabel Label { get; init; }

    public string? Scenario { get; init; }

    public required IReadOnlyList<ChatLine> Messages { get; init; }

    public IReadOnlySet<string> Predators { get; init; } = new HashSet<string>();

    /// <summary>Index of the message by which an alert is expected (synthetic positives).</summary>
    public int? AlertBy { get; init; }

    public IReadOnlyDictionary<string, AgeBand> Ages { get; init; } = new Dictionary<string, AgeBand>();

    /// <summary>The group used for folds and splits (a Dota match, a PJ offender, ...).</summary>
    public required string Group { get; init; }

    public DataPart Part { get; set; }

    /// <summary>
    /// The harms (indices into <c>HarmNames.All</c>) this conversation may train, or null for every harm: a
    /// <c>--scoped-conversations</c> file trains only the harms it is labelled with.
    /// </summary>
    public IReadOnlySet<int>? ScopedHarms { get; set; }

    /// <summary>The conversation's language (the JSONL <c>lang</c> field: en, es, de, nl, hi-en; en when absent).</summary>
    public string Language { get; init; } = Languages.English;

    /// <summary>Index of the first predator message that carries an annotated signal, or null.</summary>
    /// <summary>A copy with another label and offenders (reviewer feedback); everything else is kept.</summary>
    public ChatConversation Relabelled(HarmLabel label, IReadOnlySet<string> predators) => new()
    {
        Id = Id,
        Source = Source,
        Label = label,
        Scenario = Scenario,
        Messages = Messages,
        Predators = predators,
        AlertBy = label == HarmLabel.Benign ? null : AlertBy,
        Ages = Ages,
        Group = Group,
        Part = Part,
        Language = Language,
    };

    public int? FirstSignalIndex
    {
        get
        {
            for (int i = 0; i < Messages.Count; i++)
            {
                if (Messages[i].Signals.Count > 0 && Predators.Contains(Messages[i].Author))
                {
                    return i;
                }
            }

            return null;
        }
    }
}

/// <summary>An annotated line from the synthetic lines file.</summary>
internal sealed record AnnotatedLine(string Text, IReadOnlyList<string> Signals, HarmLabel Harm, bool IsPredator)
{
    /// <summary>The line's language (the JSONL <c>lang</c> field; en when absent).</summary>
    public string Language { get; init; } = Languages.English;
}

/// <summary>One Perverted-Justice offender: the offender's lines and the decoys' lines (interleaving lost).</summary>
internal sealed record PjOffender(string Username, IReadOnlyList<string> OffenderLines, IReadOnlyList<string> DecoyLines)
{
    public DataPart Part { get; set; }
}

/// <summary>A data-format error that names the place.</summary>
internal sealed class DataFormatException(string message) : Exception(message);
