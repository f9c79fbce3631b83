using SafeChat.Conversations;
using SafeChat.Scoring;

namespace SafeChat.Inference.Features;

/// <summary>
/// The authors of one assessment: each author's units (by reference), the other inputs of their
/// <see cref="RiskFeatures"/> row and the aggregator's raw row for them. <see cref="TryFind"/> answers an author of a
/// later window whose units are the very same objects in the same order and whose other inputs are equal: since
/// <see cref="MessageSignals"/> is immutable, that author's features, and so the row, are the same. Not thread-safe
/// (one per thread).
/// </summary>
internal sealed class AuthorRows
{
    private MessageSignals[][] _units = [];
    private int[] _unitCounts = [];
    private Inputs[] _inputs = [];
    private float[] _rows = [];
    private int _k;

    /// <summary>The id of the scorer whose model gave the rows (rows of another model never answer), or 0 for none.</summary>
    public long Owner { get; private set; }

    /// <summary>How many authors are held.</summary>
    public int Count { get; private set; }

    /// <summary>Forgets every author.</summary>
    public void Clear()
    {
        Count = 0;
        _k = 0;
        Owner = 0;
    }

    /// <summary>Adds the next author (rows come later, all at once, with <see cref="SetRows"/>).</summary>
    public void Add(List<MessageSignals> units, Inputs inputs)
    {
        if (Count == _units.Length)
        {
            int size = Math.Max(4, _units.Length * 2);
            Array.Resize(ref _units, size);
            Array.Resize(ref _unitCounts, size);
            Array.Resize(ref _inputs, size);
        }

        var held = _units[Count];
        if (held is null || held.Length < units.Count)
        {
            _units[Count] = held = new MessageSignals[Math.Max(units.Count, 16)];
        }

        units.CopyTo(held);
        _unitCounts[Count] = units.Count;
        _inputs[Count] = inputs;
        Count++;
    }

    /// <summary>Sets the raw rows of the authors added, row-major [<see cref="Count"/>, <paramref name="k"/>], given by the model of the scorer with id <paramref name="owner"/>.</summary>
    public void SetRows(long owner, ReadOnlySpan<float> rows, int k)
    {
        Owner = owner;
        if (_rows.Length < rows.Length)
        {
            _rows = new float[Math.Max(rows.Length, 64)];
        }

        rows.CopyTo(_rows);
        _k = k;
    }

    /// <summary>The row the model of the scorer with id <paramref name="owner"/> gave an author held with exactly these units (same objects, same order) and inputs.</summary>
    public bool TryFind(long owner, List<MessageSignals> units, Inputs inputs, out ReadOnlySpan<float> row)
    {
        row = default;
        if (_k == 0 || owner != Owner)
        {
            return false;
        }

        for (int a = 0; a < Count; a++)
        {
            if (_unitCounts[a] != units.Count || !_inputs[a].Equals(inputs))
            {
                continue;
            }

            var held = _units[a];
            bool same = true;
            for (int u = 0; u < units.Count && same; u++)
            {
                same = ReferenceEquals(held[u], units[u]);
            }

            if (same)
            {
                row = _rows.AsSpan(a * _k, _k);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The inputs of an author's <see cref="RiskFeatures"/> row besides the units (see
    /// <see cref="WindowFeatures.AuthorInputs"/>); the others' minor cue by its bits.
    /// </summary>
    internal readonly record struct Inputs(int LongUnits, AgeBand AuthorAge, bool OthersMinor, uint OthersCueBits, int OtherAuthors);
}
