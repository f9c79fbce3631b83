using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SafeChat.Server.Tests.Support;

/// <summary>Test authentication: X-Api-Key "moderator-key" is a moderator, "user-key" an ordinary signed-in user.</summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string ModeratorKey = "moderator-key";
    public const string UserKey = "user-key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(key))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        Claim[] claims = key switch
        {
            ModeratorKey => [new Claim(ClaimTypes.Name, "mod-ana"), new Claim(ClaimTypes.Role, SafeChatServerOptions.DefaultModeratorRole)],
            UserKey => [new Claim(ClaimTypes.Name, "user-bo")],
            _ => [],
        };
        return Task.FromResult(claims.Length == 0
            ? AuthenticateResult.Fail("Unknown API key.")
            : AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
    }
}
