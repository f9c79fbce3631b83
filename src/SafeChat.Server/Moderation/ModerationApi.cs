using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SafeChat.Policies;
using SafeChat.Server.Diagnostics;

namespace SafeChat.Server.Moderation;

/// <summary>The moderation HTTP API (mapped by <c>MapSafeChatModerationApi</c>).</summary>
internal static class ModerationApi
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        // Reviewer routes need the moderator role; the appeal route needs any authenticated user.
        var group = endpoints.MapGroup(prefix);
        group.MapGet("/escalations", ListAsync).RequireAuthorization(SafeChatServerOptions.ModeratorPolicyName);
        group.MapGet("/escalations/{id}", GetAsync).RequireAuthorization(SafeChatServerOptions.ModeratorPolicyName);
        group.MapPost("/escalations/{id}/review", ReviewAsync).RequireAuthorization(SafeChatServerOptions.ModeratorPolicyName);
        group.MapPost("/escalations/{id}/lift-hold", LiftHoldAsync).RequireAuthorization(SafeChatServerOptions.ModeratorPolicyName);
        group.MapPost("/escalations/{id}/freeze", FreezeAsync).RequireAuthorization(SafeChatServerOptions.ModeratorPolicyName);
        group.MapGet("/reviews", ExportReviewsAsync).RequireAuthorization(SafeChatServerOptions.ModeratorPolicyName);
        group.MapPost("/escalations/{id}/appeal", AppealAsync)
            .RequireAuthorization(SafeChatServerOptions.AppealPolicyName);
        return group;
    }

    public static string StatusName(EscalationStatus status) => status switch
    {
        EscalationStatus.Open => "open",
        EscalationStatus.Confirmed => "confirmed",
        EscalationStatus.FalsePositive => "false_positive",
        EscalationStatus.Appealed => "appealed",
        _ => "unknown",
    };

    private static async Task<IResult> ListAsync(HttpContext http, IEscalationQueue queue, IOptions<SafeChatServerOptions> options, string? status, int? limit)
    {
        EscalationStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            filter = ParseStatus(status);
            if (filter is null)
            {
                return Problem("status", $"query parameter 'status' must be one of open, confirmed, false_positive, appealed (was '{Truncate(status)}').");
            }
        }

        var max = options.Value.MaxEscalationsPerPage;
        if (limit is { } requested && (requested < 1 || requested > max))
        {
            return Problem("limit", $"query parameter 'limit' must be in [1, {max}] (was {requested}).");
        }

        var records = await Guard(() => queue.ListAsync(filter, limit ?? max, http.RequestAborted)).ConfigureAwait(false);
        return records.Result ?? Results.Json(new { escalations = records.Value!.Select(EscalationDto.From).ToList() }, Json);
    }

    // Reviewer decisions as labelled data, one JSONL line per reviewed escalation, in the format `safechat eval`,
    // `safechat tune` and `safechat-train --reviews` read: {"conversation_id", "harm", "decision", "reviewed_at",
    // "subject_user_id", "escalation_id"}. The harm is the escalation's riskiest harm. No message text; no reviewer name.
    private static async Task<IResult> ExportReviewsAsync(HttpContext http, IEscalationQueue queue, IOptions<SafeChatServerOptions> options, int? limit)
    {
        var max = options.Value.MaxEscalationsPerPage;
        if (limit is { } requested && (requested < 1 || requested > max))
        {
            return Problem("limit", $"query parameter 'limit' must be in [1, {max}] (was {requested}).");
        }

        var lines = new System.Text.StringBuilder();
        foreach (var status in new[] { EscalationStatus.Confirmed, EscalationStatus.FalsePositive })
        {
            var records = await Guard(() => queue.ListAsync(status, limit ?? max, http.RequestAborted)).ConfigureAwait(false);
            if (records.Result is { } failed)
            {
                return failed;
            }

            foreach (var record in records.Value!)
            {
                if (record.Review is not { } review)
                {
                    continue;
                }

                var escalation = record.Escalation;
                var harm = escalation.Harms.Count == 0 ? null : escalation.Harms.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
                lines.Append(JsonSerializer.Serialize(
                    new ReviewExportLine(
                        escalation.ConversationId,
                        harm,
                        review.Outcome == ReviewOutcome.Confirmed ? "confirmed" : "false_positive",
                        review.At,
                        escalation.SubjectUserId,
                        record.Id),
                    Json)).Append('\n');
            }
        }

        return Results.Text(lines.ToString(), "application/x-ndjson", System.Text.Encoding.UTF8);
    }

    private static async Task<IResult> GetAsync(HttpContext http, IEscalationQueue queue, ISenderHoldStore holds, IConversationFreezeStore freezes, string id)
    {
        var record = await Guard(() => queue.GetAsync(id, http.RequestAborted)).ConfigureAwait(false);
        if (record.Result is { } failed)
        {
            return failed;
        }

        return record.Value is null ? NotFound(id) : Results.Json(await WithStateAsync(record.Value, holds, freezes, http.RequestAborted).ConfigureAwait(false), Json);
    }

    // The single-escalation view also says whether the subject is still held and the conversation frozen.
    private static async Task<EscalationDto> WithStateAsync(EscalationRecord record, ISenderHoldStore holds, IConversationFreezeStore freezes, CancellationToken cancellationToken)
    {
        var e = record.Escalation;
        var hold = await holds.GetHoldAsync(e.ConversationId, e.SubjectUserId, cancellationToken).ConfigureAwait(false);
        var frozen = await freezes.GetFreezeAsync(e.ConversationId, cancellationToken).ConfigureAwait(false);
        return EscalationDto.From(record) with { SenderHeld = hold is not null, Frozen = frozen is not null };
    }

    // A reviewer lets the held sender's messages through again (the escalation's review status is unchanged).
    private static Task<IResult> LiftHoldAsync(HttpContext http, IEscalationQueue queue, ISenderHoldStore holds, IConversationFreezeStore freezes, ILoggerFactory loggers, string id) =>
        ReviewerActionAsync(http, queue, holds, freezes, loggers, id, "hold lifted", (found, cancellationToken) =>
            holds.LiftHoldAsync(found.Escalation.ConversationId, found.Escalation.SubjectUserId, cancellationToken));

    // A reviewer freezes the escalation's conversation: no message is delivered until a false-positive review lifts it.
    private static Task<IResult> FreezeAsync(HttpContext http, IEscalationQueue queue, ISenderHoldStore holds, IConversationFreezeStore freezes, ILoggerFactory loggers, string id) =>
        ReviewerActionAsync(http, queue, holds, freezes, loggers, id, "conversation frozen", async (found, cancellationToken) =>
        {
            await freezes.FreezeAsync(found.Escalation.ConversationId, found.Escalation.RuleId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    // Finds the escalation, applies the reviewer's action to its conversation, logs it (no ids) and returns the new state.
    private static async Task<IResult> ReviewerActionAsync(
        HttpContext http,
        IEscalationQueue queue,
        ISenderHoldStore holds,
        IConversationFreezeStore freezes,
        ILoggerFactory loggers,
        string id,
        string action,
        Func<EscalationRecord, CancellationToken, ValueTask<bool>> apply)
    {
        var record = await Guard(() => queue.GetAsync(id, http.RequestAborted)).ConfigureAwait(false);
        if (record.Result is { } failed)
        {
            return failed;
        }

        if (record.Value is not { } found)
        {
            return NotFound(id);
        }

        var applied = await Guard(() => apply(found, http.RequestAborted)).ConfigureAwait(false);
        if (applied.Result is { } applyFailed)
        {
            return applyFailed;
        }

        Log.ReviewerAction(loggers.CreateLogger("SafeChat.Server.Moderation"), action, found.Escalation.RuleId);
        return Results.Json(await WithStateAsync(found, holds, freezes, http.RequestAborted).ConfigureAwait(false), Json);
    }

    private static async Task<IResult> ReviewAsync(
        HttpContext http,
        IEscalationQueue queue,
        IConversationFreezeStore freezes,
        ISenderHoldStore holds,
        IOptions<SafeChatServerOptions> options,
        TimeProvider timeProvider,
        SafeChatServerMetrics metrics,
        string id)
    {
        var body = await ReadAsync<ReviewRequest>(http).ConfigureAwait(false);
        if (body.Result is { } invalid)
        {
            return invalid;
        }

        ReviewOutcome outcome;
        switch (body.Value!.Outcome)
        {
            case "confirmed":
                outcome = ReviewOutcome.Confirmed;
                break;
            case "false_positive":
                outcome = ReviewOutcome.FalsePositive;
                break;
            default:
                return Problem("outcome", $"field 'outcome' must be \"confirmed\" or \"false_positive\" (was {(body.Value.Outcome is null ? "missing" : $"'{Truncate(body.Value.Outcome)}'")}).");
        }

        if (body.Value.Note is { } note && note.Length > options.Value.MaxNoteLength)
        {
            return Problem("note", $"field 'note' must be at most {options.Value.MaxNoteLength} characters (was {note.Length}).");
        }

        var review = new EscalationReview(outcome, UserName(http.User), body.Value.Note, timeProvider.GetUtcNow());
        var updated = await Guard(() => queue.ReviewAsync(id, review, http.RequestAborted)).ConfigureAwait(false);
        if (updated.Result is { } failed)
        {
            return failed;
        }

        switch (updated.Value)
        {
            case EscalationUpdateResult.NotFound:
                return NotFound(id);
            case EscalationUpdateResult.Conflict:
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Escalation already reviewed", detail: "Only open or appealed escalations can be reviewed.");
        }

        metrics.Review(outcome == ReviewOutcome.Confirmed ? "confirmed" : "false_positive");
        var record = (await queue.GetAsync(id, http.RequestAborted).ConfigureAwait(false))!;
        if (outcome == ReviewOutcome.FalsePositive)
        {
            // A false positive lifts any freeze its conversation is under.
            await freezes.UnfreezeAsync(record.Escalation.ConversationId, http.RequestAborted).ConfigureAwait(false);
        }

        // The reviewer has decided: the sender hold placed with the escalation ends either way (a confirmed offender is
        // then dealt with by the platform: ban, report). A confirmed freeze stays until a reviewer lifts it.
        await holds.LiftHoldAsync(record.Escalation.ConversationId, record.Escalation.SubjectUserId, http.RequestAborted).ConfigureAwait(false);
        return Results.Json(await WithStateAsync(record, holds, freezes, http.RequestAborted).ConfigureAwait(false), Json);
    }

    private static async Task<IResult> AppealAsync(
        HttpContext http,
        IEscalationQueue queue,
        IOptions<SafeChatServerOptions> options,
        TimeProvider timeProvider,
        SafeChatServerMetrics metrics,
        string id)
    {
        var body = await ReadAsync<AppealRequest>(http).ConfigureAwait(false);
        if (body.Result is { } invalid)
        {
            return invalid;
        }

        var reason = body.Value!.Reason;
        if (string.IsNullOrWhiteSpace(reason))
        {
            return Problem("reason", "field 'reason' is required.");
        }

        if (reason.Length > options.Value.MaxNoteLength)
        {
            return Problem("reason", $"field 'reason' must be at most {options.Value.MaxNoteLength} characters (was {reason.Length}).");
        }

        var appeal = new EscalationAppeal(UserName(http.User), reason, timeProvider.GetUtcNow());
        var updated = await Guard(() => queue.AppealAsync(id, appeal, http.RequestAborted)).ConfigureAwait(false);
        if (updated.Result is { } failed)
        {
            return failed;
        }

        switch (updated.Value)
        {
            case EscalationUpdateResult.NotFound:
                return NotFound(id);
            case EscalationUpdateResult.Conflict:
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Escalation cannot be appealed", detail: "Only confirmed escalations can be appealed, once.");
        }

        metrics.Review("appealed");
        var record = (await queue.GetAsync(id, http.RequestAborted).ConfigureAwait(false))!;
        return Results.Json(EscalationDto.From(record), Json);
    }

    private static async Task<(T? Value, IResult? Result)> ReadAsync<T>(HttpContext http)
        where T : class
    {
        if (!http.Request.HasJsonContentType())
        {
            return (null, Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: "The body must be JSON (Content-Type: application/json)."));
        }

        try
        {
            var value = await http.Request.ReadFromJsonAsync<T>(Json, http.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, Problem("body", "the body must be a JSON object.")) : (value, null);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 0 } path ? $" at {path}" : string.Empty;
            var line = ex.LineNumber is { } l ? $" (line {l + 1}, position {(ex.BytePositionInLine ?? 0) + 1})" : string.Empty;
            return (null, Problem("body", $"the body is not valid JSON{where}{line}."));
        }
    }

    private static async Task<(T? Value, IResult? Result)> Guard<T>(Func<ValueTask<T>> operation)
    {
        try
        {
            return (await operation().ConfigureAwait(false), null);
        }
        catch (SafeChatStateUnavailableException)
        {
            return (default, Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Moderation queue unavailable", detail: "The state backend cannot be reached; try again shortly."));
        }
    }

    private static EscalationStatus? ParseStatus(string value) => value switch
    {
        "open" => EscalationStatus.Open,
        "confirmed" => EscalationStatus.Confirmed,
        "false_positive" => EscalationStatus.FalsePositive,
        "appealed" => EscalationStatus.Appealed,
        _ => null,
    };

    private static string UserName(ClaimsPrincipal user) =>
        user.Identity?.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Escalation not found", detail: $"No escalation has id '{Truncate(id)}'.");

    private static IResult Problem(string field, string detail) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [detail] }, detail: detail, title: "Invalid request");

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
