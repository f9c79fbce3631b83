using SafeChat.Engine;
using SafeChat.Escalation;
using SafeChat.Policies;

namespace SafeChat.Server;

/// <summary>Settings of the SafeChat server integration. Validated when the host starts.</summary>
public sealed class SafeChatServerOptions
{
    /// <summary>The default role a user needs for the moderation API.</summary>
    public const string DefaultModeratorRole = "safechat-moderator";

    /// <summary>The name of the authorization policy that guards the moderation API's reviewer routes.</summary>
    public const string ModeratorPolicyName = "SafeChat.Moderator";

    /// <summary>The name of the authorization policy that guards the appeal route (any authenticated user).</summary>
    public const string AppealPolicyName = "SafeChat.Appeal";

    /// <summary>Engine settings (window, thresholds, caps). Validated on start.</summary>
    public SafeChatEngineOptions Engine { get; } = new();

    /// <summary>Escalation dispatcher settings (queue sizes, handler timeouts). Validated on start.</summary>
    public EscalationDispatcherOptions Dispatcher { get; } = new();

    /// <summary>
    /// The built-in policy preset used when <see cref="Policy"/> is null and no <see cref="IMessagePolicy"/> is registered.
    /// Default <c>strict-minors</c>.
    /// </summary>
    public string PolicyPreset { get; set; } = PolicyPresets.Default;

    /// <summary>A policy to use instead of <see cref="PolicyPreset"/> (for example one loaded with <see cref="PolicyLoader"/>).</summary>
    public PolicyDefinition? Policy { get; set; }

    /// <summary>What to do when the state backend is unavailable. Default <see cref="StateFailureMode.FailOpen"/>.</summary>
    public StateFailureMode FailureMode { get; set; } = StateFailureMode.FailOpen;

    /// <summary>The role the moderation API's reviewer routes require. Default <see cref="DefaultModeratorRole"/>.</summary>
    public string ModeratorRole { get; set; } = DefaultModeratorRole;

    /// <summary>The client method the hub filter calls to show a nudge (warn-sender, warn-recipient). Default <c>SafeChatNudge</c>.</summary>
    public string NudgeClientMethod { get; set; } = "SafeChatNudge";

    /// <summary>The most escalations one list call of the moderation API returns. Default 200; 1 to 10,000.</summary>
    public int MaxEscalationsPerPage { get; set; } = 200;

    /// <summary>The longest reviewer note or appeal reason accepted, in characters. Default 2,000; at least 1.</summary>
    public int MaxNoteLength { get; set; } = 2000;
}
