using System.Collections;
using System.Diagnostics.CodeAnalysis;
using SafeChat.Conversations;

namespace SafeChat.Cli;

/// <summary>
/// The participants of a small conversation (a game's players) by id, in the order they were added: an array searched
/// in place instead of a dictionary per line. The ids must be distinct; the array is not changed after it is made, so
/// <c>safechat score</c> uses it as the conversation's roster as it is.
/// </summary>
internal sealed class ParticipantMap(Participant[] roster) : IReadOnlyDictionary<string, Participant>
{
    /// <summary>The most participants a map holds (larger conversations use a dictionary).</summary>
    public const int MaxCount = 16;

    /// <summary>The participants in order (read only).</summary>
    public Participant[] Roster { get; } = roster;

    /// <inheritdoc/>
    public int Count => Roster.Length;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => Roster.Select(p => p.Id);

    /// <inheritdoc/>
    public IEnumerable<Participant> Values => Roster;

    /// <inheritdoc/>
    public Participant this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException("No participant has this id.");

    /// <inheritdoc/>
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Participant value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? Roster[index] : null;
        return index >= 0;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Participant>> GetEnumerator()
    {
        foreach (var participant in Roster)
        {
            yield return new KeyValuePair<string, Participant>(participant.Id, participant);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < Roster.Length; i++)
        {
            if (string.Equals(Roster[i].Id, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
