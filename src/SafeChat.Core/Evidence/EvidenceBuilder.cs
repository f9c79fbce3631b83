using SafeChat.Conversations;
using SafeChat.Escalation;
using SafeChat.Scoring;

namespace SafeChat.Evidence;

/// <summary>
/// Builds an <see cref="EvidenceBundle"/> from an escalation and the thread the host supplies (SafeChat's engine keeps no
/// message text, so the host must hand it over). Errors name the offending argument and index, never ids or text.
/// </summary>
public sealed class EvidenceBuilder
{
    private readonly EvidenceOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a builder.</summary>
    /// <param name="options">Service details and mappings; defaults when null.</param>
    /// <param name="timeProvider">The clock for <see cref="EvidenceBundle.CreatedAt"/>; <see cref="TimeProvider.System"/> when null.</param>
    public EvidenceBuilder(EvidenceOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new EvidenceOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Builds the bundle.</summary>
    /// <param name="escalation">The escalation.</param>
    /// <param name="thread">The conversation's messages, oldest first, all from the escalation's conversation.</param>
    /// <param name="reported">The reported user; must be the escalation's subject.</param>
    /// <param name="victim">The child; only the age band and assurance are kept.</param>
    /// <exception cref="ArgumentException">An argument does not fit the escalation; the message names it.</exception>
    public EvidenceBundle Build(EscalationEvent escalation, IReadOnlyList<ChatMessage> thread, Participant reported, Participant victim)
    {
        if (escalation is null)
        {
            throw new ArgumentNullException(nameof(escalation));
        }

        if (thread is null)
        {
            throw new ArgumentNullException(nameof(thread));
        }

        if (reported is null)
        {
            throw new ArgumentNullException(nameof(reported));
        }

        if (victim is null)
        {
            throw new ArgumentNullException(nameof(victim));
        }

        if (!string.Equals(reported.Id, escalation.SubjectUserId, StringComparison.Ordinal))
        {
            throw new ArgumentException("reported.Id does not match escalation.SubjectUserId.", nameof(reported));
        }

        if (string.Equals(victim.Id, reported.Id, StringComparison.Ordinal))
        {
            throw new ArgumentException("victim.Id is the same user as reported.Id.", nameof(victim));
        }

        if (thread.Count == 0)
        {
            throw new ArgumentException("thread is empty: evidence needs at least one message.", nameof(thread));
        }

        var messages = new List<EvidenceMessage>(thread.Count);
        var seenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        DateTimeOffset? incident = null;
        for (var i = 0; i < thread.Count; i++)
        {
            var message = thread[i] ?? throw new ArgumentException($"thread[{i}] is null.", nameof(thread));
            if (string.IsNullOrEmpty(message.Id))
            {
                throw new ArgumentException($"thread[{i}].Id is empty.", nameof(thread));
            }

            if (seenIds.TryGetValue(message.Id, out var first))
            {
                throw new ArgumentException($"thread[{i}].Id duplicates thread[{first}].Id.", nameof(thread));
            }

            seenIds[message.Id] = i;
            if (!string.Equals(message.RoomId, escalation.ConversationId, StringComparison.Ordinal))
            {
                throw new ArgumentException($"thread[{i}].RoomId does not match escalation.ConversationId.", nameof(thread));
            }

            var role = string.Equals(message.SenderId, reported.Id, StringComparison.Ordinal) ? AuthorRole.ReportedUser
                : string.Equals(message.SenderId, victim.Id, StringComparison.Ordinal) ? AuthorRole.Victim
                : AuthorRole.Other;
            if (role == AuthorRole.ReportedUser && message.Timestamp <= escalation.RaisedAt && (incident is null || message.Timestamp > incident))
            {
                incident = message.Timestamp;
            }

            var text = message.Text ?? string.Empty;
            messages.Add(new EvidenceMessage
            {
                MessageId = message.Id,
                AuthorRole = role,
                AuthorId = message.SenderId,
                Timestamp = message.Timestamp,
                Text = text,
                HasImage = message.HasImage,
                TextSha256 = Sha256Hex.Of(text),
            });
        }

        var knownImage = escalation.ImageMatches.Count > 0;
        var primaryHarm = knownImage ? HarmNames.KnownCsamMatch : PrimaryHarm(escalation);
        var harms = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var pair in escalation.Harms.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            harms[pair.Key] = pair.Value;
        }

        return new EvidenceBundle
        {
            IdempotencyKey = escalation.IdempotencyKey,
            IncidentType = knownImage ? CyberTipIncidentTypes.ApparentChildPornography
                : _options.IncidentTypeForHarm.TryGetValue(primaryHarm, out var type) ? type : CyberTipIncidentTypes.OnlineEnticement,
            PrimaryHarm = primaryHarm,
            EscalateToHighPriority = knownImage || escalation.Severity >= _options.HighPriorityFrom,
            IncidentDateTime = incident ?? escalation.RaisedAt,
            EscalatedAt = escalation.RaisedAt,
            CreatedAt = _timeProvider.GetUtcNow(),
            InternetDetails = [.. _options.InternetDetailTypes.Distinct().Select(t => new InternetDetail
            {
                Type = t,
                ServiceName = _options.ServiceName,
                ConversationId = escalation.ConversationId,
            })],
            ReportedUser = new ReportedUser
            {
                PlatformUserId = reported.Id,
                ScreenName = reported.DisplayName,
                AgeBand = reported.AgeBand,
                AgeAssurance = reported.AgeAssurance,
            },
            Victim = new VictimInfo { AgeBand = victim.AgeBand, AgeAssurance = victim.AgeAssurance },
            Thread = new ThreadExport { ConversationId = escalation.ConversationId, Messages = messages },
            Detection = new DetectionDetails
            {
                RuleId = escalation.RuleId,
                Severity = escalation.Severity,
                Shadow = escalation.Shadow,
                MessageIndex = escalation.MessageIndex,
                Harms = harms,
                Signals = [.. escalation.Signals],
                ModelVersion = escalation.ModelVersion,
                PolicyVersion = escalation.PolicyVersion,
            },
            KnownImages = escalation.ImageMatches,
        };
    }

    // The riskiest harm; ties and empty scores fall back to the harm most of the fired signals belong to, then grooming.
    private static string PrimaryHarm(EscalationEvent escalation)
    {
        string? best = null;
        var bestScore = 0f;
        foreach (var harm in HarmNames.All)
        {
            if (escalation.Harms.TryGetValue(harm, out var score) && score > bestScore)
            {
                best = harm;
                bestScore = score;
            }
        }

        if (best is not null)
        {
            return best;
        }

        var primary = HarmNames.Grooming;
        var most = 0;
        foreach (var harm in HarmNames.All)
        {
            var count = escalation.Signals.Count(s => SignalNames.HarmOf(s) == harm);
            if (count > most)
            {
                primary = harm;
                most = count;
            }
        }

        return primary;
    }
}
