using System.Collections;

namespace SafeChat.Inference.Features;

/// <summary>
/// A message's WordPiece token ids (plain vocabulary ids, as any consumer expects) plus what the version-2 features
/// need: which tokens sit in a negation scope and whether the turn-length feature is on. Immutable.
/// </summary>
internal sealed class MessageTokens : IReadOnlyList<int>
{
    private readonly int[] _ids;
    private readonly bool[]? _negated;
    private readonly bool[]? _advice;

    public MessageTokens(int[] ids, bool[]? negated, bool turnLength, bool[]? advice = null)
    {
        _ids = ids;
        _negated = negated;
        _advice = advice;
        TurnLength = turnLength;
    }

    /// <summary>An empty message.</summary>
    public static MessageTokens Empty { get; } = new([], null, false);

    /// <summary>Whether a short message gets the turn-length feature (feature version 2).</summary>
    public bool TurnLength { get; }

    public int Count => _ids.Length;

    public int this[int index] => _ids[index];

    /// <summary>Whether the token at <paramref name="index"/> is inside a negation scope.</summary>
    public bool IsNegated(int index) => _negated is not null && _negated[index];

    /// <summary>Whether the token at <paramref name="index"/> is inside an advice/hypothetical scope (feature version 3).</summary>
    public bool IsAdvice(int index) => _advice is not null && _advice[index];

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_ids).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
