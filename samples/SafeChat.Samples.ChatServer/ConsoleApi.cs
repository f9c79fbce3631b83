using System.Text;
using Microsoft.AspNetCore.SignalR;
using SafeChat.Conversations;
using SafeChat.Escalation;
using SafeChat.Evidence;
using SafeChat.Policies;
using SafeChat.Server;
using SafeChat.Server.Moderation;

namespace SafeChat.Samples.ChatServer;

/// <summary>
/// The console's own routes, next to SafeChat's moderation API (which serves the queue, reviews, hold lifting and freezes):
/// the case view with the conversation's timeline and message excerpts (the platform's text: moderators only, every view
/// written to the access log), ban recommendations, and "build report" (the CyberTip-ready evidence bundle, appended to
/// the evidence store on preservation hold and downloaded as JSON). Also the sample's family-link route for the chat page.
/// </summary>
internal static class ConsoleApi
{
    private const int ExcerptRadius = 2;

    public static void Map(WebApplication app)
    {
        var console = app.MapGroup("/console").RequireAuthorization(SafeChatServerOptions.ModeratorPolicyName);
        console.MapGet("/cases/{id}", CaseAsync);
        console.MapPost("/cases/{id}/ban-recommendation", RecommendBanAsync);
        console.MapPost("/cases/{id}/report", BuildReportAsync);
        console.MapGet("/access-log", (ConsoleState state) => Results.Json(new { entries = state.AccessLog() }));

        // Demo only: the sample stands in for a platform's verified family link ("I am this child's parent", confirmed
        // out of band). A real platform fills its IConnectionDirectory from its own account links.
        app.MapPost("/api/relationships", (RelationshipRequest body, InMemoryConnectionDirectory directory) =>
        {
            if (string.IsNullOrWhiteSpace(body.From) || string.IsNullOrWhiteSpace(body.To) || body.From == body.To)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["from"] = ["'from' and 'to' must be two different user names."] });
            }

            if (!PolicyNames.TryParseRelationshipKind(body.Kind ?? string.Empty, out var kind))
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["kind"] = [$"'kind' must be one of {string.Join(", ", PolicyNames.RelationshipKinds)}."] });
            }

            directory.Relate(body.From, body.To, new Relationship(kind, RelationshipBasis.VerifiedByPlatform));
            return Results.Json(new { from = body.From, to = body.To, kind = PolicyNames.Of(kind), established = "verified-by-platform" });
        });
    }

    private static async Task<IResult> CaseAsync(
        HttpContext http, string id, IEscalationQueue queue, ISenderHoldStore holds, IConversationFreezeStore freezes,
        ConversationLog log, ConsoleState state, TimeProvider time, ILoggerFactory loggers)
    {
        if (await queue.GetAsync(id, http.RequestAborted) is not { } record)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Escalation not found");
        }

        var e = record.Escalation;
        var messages = log.Room(e.ConversationId);
        var victim = Victim(log, e);
        // Excerpts: the messages around each message with a signal (two either side); overlapping windows merge.
        var shown = new SortedSet<int>();
        var windows = new List<(int From, int To)>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Signals.Count == 0)
            {
                continue;
            }

            var from = Math.Max(0, i - ExcerptRadius);
            var to = Math.Min(messages.Count - 1, i + ExcerptRadius);
            if (windows.Count > 0 && from <= windows[^1].To + 1)
            {
                windows[^1] = (windows[^1].From, to);
            }
            else
            {
                windows.Add((from, to));
            }
        }

        var excerpts = new List<object>();
        foreach (var (from, to) in windows)
        {
            var slice = messages.Skip(from).Take(to - from + 1).ToList();
            excerpts.Add(new
            {
                index = slice[0].Index,
                signals = slice.SelectMany(m => m.Signals).Distinct().ToList(),
                messages = slice.Select(m => new
                {
                    index = m.Index,
                    author = m.AuthorId,
                    role = Role(m.AuthorId, e, victim),
                    text = m.Text,
                    outcome = m.Outcome,
                    signals = m.Signals,
                }),
            });
            for (var j = from; j <= to; j++)
            {
                shown.Add(j);
            }
        }

        var viewer = http.User.Identity?.Name ?? "unknown";
        state.RecordView(new AccessLogEntry(time.GetUtcNow(), viewer, id, e.ConversationId, shown.Count));
        loggers.CreateLogger("SafeChat.Samples.Console").LogInformation("Case viewed by a moderator: {MessagesShown} message excerpt(s) shown.", shown.Count);
        var hold = await holds.GetHoldAsync(e.ConversationId, e.SubjectUserId, http.RequestAborted);
        var frozen = await freezes.GetFreezeAsync(e.ConversationId, http.RequestAborted);
        var ban = state.Ban(id);
        var report = state.Report(id);
        return Results.Json(new
        {
            id,
            rule_id = e.RuleId,
            severity = e.Severity.ToString().ToLowerInvariant(),
            status = ModerationStatus(record.Status),
            conversation_id = e.ConversationId,
            subject_user_id = e.SubjectUserId,
            raised_at = e.RaisedAt,
            message_index = e.MessageIndex,
            harms = e.Harms,
            signals = e.Signals,
            model_version = e.ModelVersion,
            policy_version = e.PolicyVersion,
            review = record.Review is { } r ? new { outcome = r.Outcome == ReviewOutcome.Confirmed ? "confirmed" : "false_positive", reviewer = r.Reviewer, at = r.At } : null,
            victim = new { age_band = victim?.AgeBand.ToString().ToLowerInvariant() ?? "unknown", age_assurance = victim?.AgeAssurance.ToString() ?? "Unknown" },
            sender_held = hold is not null,
            frozen = frozen is not null,
            ban_recommended = ban is { } b ? new { by = b.By, at = b.At } : null,
            report = report is { } rep ? new { sequence = rep.Sequence, hold_until = rep.HoldUntil } : null,
            timeline = messages.Select(m => new
            {
                index = m.Index,
                time = m.Time,
                author = m.AuthorId,
                role = Role(m.AuthorId, e, victim),
                outcome = m.Outcome,
                signals = m.Signals,
                scored = m.Scored,
                grooming = m.Scored ? m.Harms.GetValueOrDefault("grooming") : (float?)null,
                sextortion = m.Scored ? m.Harms.GetValueOrDefault("sextortion") : (float?)null,
                after_escalation = m.Index > e.MessageIndex,
            }),
            excerpts,
        });
    }

    private static async Task<IResult> RecommendBanAsync(HttpContext http, string id, IEscalationQueue queue, ConsoleState state, TimeProvider time, ILoggerFactory loggers)
    {
        if (await queue.GetAsync(id, http.RequestAborted) is not { } record)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Escalation not found");
        }

        state.RecommendBan(id, http.User.Identity?.Name ?? "unknown", time.GetUtcNow());
        loggers.CreateLogger("SafeChat.Samples.Console").LogInformation("Ban recommended by a moderator (rule {RuleId}).", record.Escalation.RuleId);
        return Results.Json(new { id, ban_recommended = true });
    }

    private static async Task<IResult> BuildReportAsync(
        HttpContext http, string id, IEscalationQueue queue, ConversationLog log, IEvidenceStore evidence, ConsoleState state,
        TimeProvider time, IHubContext<ModeratorHub> moderators, ILoggerFactory loggers)
    {
        if (await queue.GetAsync(id, http.RequestAborted) is not { } record)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Escalation not found");
        }

        var e = record.Escalation;
        var thread = log.Room(e.ConversationId)
            .Select(m => new ChatMessage(m.MessageId, e.ConversationId, m.AuthorId, m.Text, m.Time))
            .ToList();
        if (thread.Count == 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "No messages stored for this conversation");
        }

        var reported = log.Person(e.SubjectUserId) ?? new Participant(e.SubjectUserId);
        var victim = Victim(log, e) ?? new Participant("unknown-victim");
        var bundle = new EvidenceBuilder(new EvidenceOptions { ServiceName = "SafeChat sample chat" }, time).Build(e, thread, reported, victim);
        var entry = await evidence.AppendAsync(bundle, http.RequestAborted);
        state.Reported(id, entry.Sequence, entry.HoldUntil);
        loggers.CreateLogger("SafeChat.Samples.Console").LogInformation(
            "Evidence bundle {Sequence} built by a moderator (rule {RuleId}); on preservation hold until {HoldUntil:O}.", entry.Sequence, e.RuleId, entry.HoldUntil);
        await moderators.Clients.Group(ModeratorHub.Group).SendAsync("case", new { id });
        http.Response.Headers["X-Evidence-Sequence"] = entry.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["X-Evidence-Hold-Until"] = entry.HoldUntil?.ToString("O") ?? string.Empty;
        return Results.File(Encoding.UTF8.GetBytes(entry.PayloadJson ?? EvidenceJson.Serialize(bundle)), "application/json", $"safechat-evidence-{entry.Sequence}.json");
    }

    // The child the escalation protects: the youngest minor seen in the room other than the reported user.
    private static Participant? Victim(ConversationLog log, EscalationEvent e) =>
        log.RoomPeople(e.ConversationId)
            .Where(p => p.Id != e.SubjectUserId && p.IsMinorForProtection)
            .OrderBy(p => p.AgeBand == AgeBand.Child ? 0 : 1)
            .FirstOrDefault();

    private static string Role(string authorId, EscalationEvent e, Participant? victim) =>
        authorId == e.SubjectUserId ? "reported" : authorId == victim?.Id ? "child" : "other";

    private static string ModerationStatus(EscalationStatus status) => status switch
    {
        EscalationStatus.Open => "open",
        EscalationStatus.Confirmed => "confirmed",
        EscalationStatus.FalsePositive => "false_positive",
        EscalationStatus.Appealed => "appealed",
        _ => "unknown",
    };
}
