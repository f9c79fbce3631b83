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

/// <summary>The body of a review request.</summary>
public sealed record ReviewRequest
{
    /// <summary>confirmed or false_positive.</summary>
    public string? Outcome { get; init; }
    /// <summary>An optional note.</summary>
    public string? Note { get; init; }
}
