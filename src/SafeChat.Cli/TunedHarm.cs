using SafeChat.Conversations;

namespace SafeChat.Cli;

/// <summary>The thresholds <see cref="ThresholdTuner"/> chose for one harm, per age band, and which bands had enough data of their own.</summary>
internal sealed record TunedHarm(string Harm, IReadOnlyDictionary<AgeBand, float> Before, IReadOnlyDictionary<AgeBand, float> After, IReadOnlySet<AgeBand> OwnBands);
