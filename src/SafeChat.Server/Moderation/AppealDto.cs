using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SafeChat.Escalation;
using SafeChat.Server.Diagnostics;

namespace SafeChat.Server.Moderation;

/// <summary>An appeal in the moderation API.</summary>
/// <param name="AppealedBy">Who appealed.</param>
/// <param name="Reason">Why.</param>
/// <param name="At">When.</param>
public sealed record AppealDto(string AppealedBy, string Reason, DateTimeOffset At);
