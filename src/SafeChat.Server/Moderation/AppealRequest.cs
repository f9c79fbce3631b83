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

/// <summary>The body of an appeal request.</summary>
public sealed record AppealRequest
{
    /// <summary>Why the escalation is wrong.</summary>
    public string? Reason { get; init; }
}
