using SafeChat.Escalation;
using SafeChat.Policies;

namespace SafeChat.Evidence;

/// <summary>
/// An escalation handler that builds an <see cref="EvidenceBundle"/> and appends it (on hold) to an
/// <see cref="IEvidenceStore"/>. Shadow escalations and those below <see cref="MinimumSeverity"/> are skipped.
/// Register it on the <see cref="EscalationDispatcher"/> next to the host's reporting hook.
/// </summary>
public sealed class EvidenceEscalationHandler : IEscalationHandler
{
    private readonly IEvidenceThreadSource _threads;
    private readonly EvidenceBuilder _builder;
    private readonly IEvidenceStore _store;

    /// <summary>Creates the handler.</summary>
    public EvidenceEscalationHandler(IEvidenceThreadSource threads, EvidenceBuilder builder, IEvidenceStore store)
    {
        _threads = threads ?? throw new ArgumentNullException(nameof(threads));
        _builder = builder ?? throw new ArgumentNullException(nameof(builder));
        _store = store ?? throw new ArgumentNullException(nameof(store));
    }

    /// <inheritdoc />
    public string Name => "evidence";

    /// <summary>The lowest severity that gets evidence preserved. Default <see cref="Severity.High"/>.</summary>
    public Severity MinimumSeverity { get; init; } = Severity.High;

    /// <inheritdoc />
    public async ValueTask HandleAsync(EscalationEvent escalation, CancellationToken cancellationToken = default)
    {
        if (escalation is null)
        {
            throw new ArgumentNullException(nameof(escalation));
        }

        if (escalation.Shadow || escalation.Severity < MinimumSeverity)
        {
            return;
        }

        var thread = await _threads.GetThreadAsync(escalation, cancellationToken).ConfigureAwait(false);
        if (thread is null)
        {
            return;
        }

        var bundle = _builder.Build(escalation, thread.Messages, thread.Reported, thread.Victim);
        await _store.AppendAsync(bundle, cancellationToken).ConfigureAwait(false);
    }
}
