using System.Collections;
using SafeChat.Conversations;

namespace SafeChat.Cli;

/// <summary>
/// A read-only view of a conversation's participants without one of them (the sender of a message): O(1) to create and
/// index, sharing the roster array, so a conversation with N speakers costs O(N) memory instead of N copies of N.
/// </summary>
internal sealed class RosterExcept(Participant[] roster, int excluded) : IReadOnlyList<Participant>
{
    public int Count => roster.Length - 1;

    public Participant this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            return roster[index < excluded ? index : index + 1];
        }
    }

    public IEnumerator<Participant> GetEnumerator()
    {
        for (var i = 0; i < roster.Length; i++)
        {
            if (i != excluded)
            {
                yield return roster[i];
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
