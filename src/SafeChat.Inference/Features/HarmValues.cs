using System.Collections;
using System.Diagnostics.CodeAnalysis;
using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>
/// A read-only risk per harm over one small array aligned with <see cref="HarmNames.All"/>: what an assessment hands
/// out per message and per author, without a hash table per message. Enumerates in <see cref="HarmNames.All"/> order.
/// It is also a list of its pairs in that order, so readers that only know the BCL interfaces (the engine in Core) can
/// walk it by index, without an enumerator per message.
/// </summary>
internal sealed class HarmValues(float[] values) : IReadOnlyDictionary<string, float>, IReadOnlyList<KeyValuePair<string, float>>
{
    public float this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No harm named '{key}'.");

    public IEnumerable<string> Keys => HarmNames.All;

    public IEnumerable<float> Values => values;

    public int Count => values.Length;

    /// <summary>The values by position, aligned with <see cref="HarmNames.All"/>.</summary>
    public ReadOnlySpan<float> Span => values;

    /// <summary>The values array itself (read only: the builder reuses a record whose values it compared).</summary>
    internal float[] ValuesArray => values;

    public KeyValuePair<string, float> this[int index] => new(HarmNames.All[index], values[index]);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out float value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? values[index] : 0f;
        return index >= 0;
    }

    public IEnumerator<KeyValuePair<string, float>> GetEnumerator()
    {
        for (var i = 0; i < values.Length; i++)
        {
            yield return new KeyValuePair<string, float>(HarmNames.All[i], values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (string.Equals(HarmNames.All[i], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
