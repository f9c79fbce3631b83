using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SafeChat.Server;

namespace SafeChat.Samples.ChatServer;

/// <summary>
/// The sample's moderator sign-in: an <c>X-Api-Key</c> header equal to <c>Moderation:ApiKey</c> makes the caller a
/// moderator. A real platform uses its own sign-in and gives reviewers the moderator role.
/// </summary>
internal sealed class ModeratorApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ModeratorApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName].ToString();
        if (presented.Length == 0 && Request.Path.StartsWithSegments("/hubs/moderation", StringComparison.Ordinal))
        {
            // The console's SignalR client sends the key as a bearer token (negotiate) or access_token (WebSockets).
            var authorization = Request.Headers.Authorization.ToString();
            presented = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : Request.Query["access_token"].ToString();
        }
        if (presented.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var expected = configuration["Moderation:ApiKey"];
        if (string.IsNullOrEmpty(expected)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid moderator API key."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "moderator"), new Claim(ClaimTypes.Role, SafeChatServerOptions.DefaultModeratorRole)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
