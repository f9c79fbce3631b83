using SafeChat.Conversations;
using SafeChat.Inference.Features;
using SafeChat.Scoring;

namespace SafeChat.Inference.Tests.Caching;

/// <summary>The previous assessment's rows: found only for the very same unit objects, inputs and scorer.</summary>
public sealed class AuthorRowsTests
{
    private static MessageSignals Unit(float p) => new([p, 1f - p], [p]);

    [Fact]
    public void TryFind_SameObjectsInputsAndScorer_ReturnsTheRowElseNothing()
    {
        var a = Unit(0.2f);
        var b = Unit(0.7f);
        var inputs = new AuthorRows.Inputs(0, AgeBand.Unknown, false, 0u, 1);
        var rows = new AuthorRows();
        rows.Add([a, b], inputs);
        rows.Add([b], inputs with { OtherAuthors = 2 });
        rows.SetRows(7, [1f, 2f, 3f, 4f], 2);

        Assert.True(rows.TryFind(7, [a, b], inputs, out var row));
        Assert.Equal([1f, 2f], row.ToArray());
        Assert.True(rows.TryFind(7, [b], inputs with { OtherAuthors = 2 }, out row));
        Assert.Equal([3f, 4f], row.ToArray());

        // Another scorer, an equal but different object, another order, other inputs: no row.
        Assert.False(rows.TryFind(8, [a, b], inputs, out _));
        Assert.False(rows.TryFind(7, [Unit(0.2f), b], inputs, out _));
        Assert.False(rows.TryFind(7, [b, a], inputs, out _));
        Assert.False(rows.TryFind(7, [a, b], inputs with { OthersMinor = true }, out _));

        rows.Clear();
        Assert.False(rows.TryFind(7, [a, b], inputs, out _));
    }
}
