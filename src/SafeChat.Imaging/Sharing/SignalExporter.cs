namespace SafeChat.Sharing;

/// <summary>
/// Makes indicator files from reviewer-confirmed cases, and retractions when an appeal succeeds. Raw identifiers are
/// hashed with the partners' shared secret (<see cref="IndicatorHasher"/>) and never written.
/// </summary>
public sealed class SignalExporter
{
    private readonly IndicatorHasher _hasher;
    private readonly string _producer;
    private readonly TimeProvider _time;

    /// <summary>Creates an exporter.</summary>
    /// <param name="hasher">Hashes identifiers under the shared secret.</param>
    /// <param name="producer">This platform's name, as partners know it.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public SignalExporter(IndicatorHasher hasher, string producer, TimeProvider? timeProvider = null)
    {
        _hasher = hasher ?? throw new ArgumentNullException(nameof(hasher));
        _producer = string.IsNullOrWhiteSpace(producer) ? throw new ArgumentException("The producer name must not be empty.", nameof(producer)) : producer;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>An indicators file from confirmed cases. Cases a reviewer did not confirm are refused.</summary>
    /// <param name="cases">The cases; every one must be reviewer-confirmed.</param>
    /// <param name="reason">Why they are shared (for example <c>sextortion</c>).</param>
    /// <param name="validFor">How long partners should keep the indicators.</param>
    /// <exception cref="ArgumentException">A case is not reviewer-confirmed (the message gives its position, not its id).</exception>
    public IndicatorFile Export(IReadOnlyList<ConfirmedCase> cases, string reason, TimeSpan validFor)
    {
        if (cases is null)
        {
            throw new ArgumentNullException(nameof(cases));
        }

        for (var i = 0; i < cases.Count; i++)
        {
            if (cases[i] is not { ReviewerConfirmed: true })
            {
                throw new ArgumentException($"cases[{i}] is not reviewer-confirmed: only confirmed escalations are shared.", nameof(cases));
            }
        }

        return NewFile(IndicatorFileKind.Indicators, cases.SelectMany(c => c.Indicators ?? []), reason, validFor);
    }

    /// <summary>A retraction of a case's indicators (for example after a successful appeal): importers remove the leads.</summary>
    /// <param name="retracted">The case whose indicators are withdrawn (confirmed or not).</param>
    /// <param name="reason">Why (for example <c>appeal upheld</c>).</param>
    /// <param name="validFor">How long partners should remember the retraction (at least as long as the indicators).</param>
    public IndicatorFile Retract(ConfirmedCase retracted, string reason, TimeSpan validFor)
    {
        if (retracted is null)
        {
            throw new ArgumentNullException(nameof(retracted));
        }

        return NewFile(IndicatorFileKind.Retraction, retracted.Indicators ?? [], reason, validFor);
    }

    private IndicatorFile NewFile(IndicatorFileKind kind, IEnumerable<RawIndicator> raw, string reason, TimeSpan validFor)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("A reason is required.", nameof(reason));
        }

        if (validFor <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(validFor), "The validity must be positive.");
        }

        var indicators = new List<SharedIndicator>();
        foreach (var item in raw)
        {
            if (item is not null && _hasher.Hash(item.Type, item.Value) is { } value)
            {
                var indicator = new SharedIndicator(item.Type, value);
                if (!indicators.Contains(indicator))
                {
                    indicators.Add(indicator);
                }
            }
        }

        // Sorted, so the file reveals nothing about which identifiers belong to the same case.
        indicators.Sort((a, b) => string.CompareOrdinal(a.Type + a.Value, b.Type + b.Value));
        var now = _time.GetUtcNow();
        return new IndicatorFile
        {
            Kind = kind,
            Producer = _producer,
            CreatedAt = now,
            ExpiresAt = now + validFor,
            Reason = reason,
            KeyId = _hasher.KeyId,
            Indicators = indicators,
        };
    }
}
