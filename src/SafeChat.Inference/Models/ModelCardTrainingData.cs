namespace SafeChat.Inference.Models;

/// <summary>A data set considered for a model, with its licence and how it was used.</summary>
public sealed record ModelCardTrainingData
{
    /// <summary>The data set name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Where it came from (URL or description).</summary>
    public string Source { get; init; } = "";

    /// <summary>The licence as stated by the source.</summary>
    public string Licence { get; init; } = "";

    /// <summary>How it was used: <c>train</c>, <c>eval</c> or <c>not used</c> (with the reason in <see cref="Notes"/>).</summary>
    public string Usage { get; init; } = "";

    /// <summary>Counts, e.g. <c>conversations</c>, <c>messages</c>, <c>positive</c>.</summary>
    public IReadOnlyDictionary<string, long> Counts { get; init; } = new Dictionary<string, long>();

    /// <summary>Anything else a reader needs to know.</summary>
    public string? Notes { get; init; }
}
