using System.Collections;
using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>The ids of a participant list, as a read-only view over it (no copy).</summary>
internal sealed class ParticipantIds(IReadOnlyList<Participant> participants) : IReadOnlyList<string>
{
    public int Count => participants.Count;

    public string this[int index] => participants[index].Id;

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < participants.Count; i++)
        {
            yield return participants[i].Id;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
