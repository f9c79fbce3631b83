using Microsoft.Extensions.Options;
using SafeChat.Policies;

namespace SafeChat.Server;

/// <summary>Validates <see cref="SafeChatServerOptions"/> on start; every failure names the setting.</summary>
internal sealed class SafeChatServerOptionsValidator : IValidateOptions<SafeChatServerOptions>
{
    public ValidateOptionsResult Validate(string? name, SafeChatServerOptions options)
    {
        var failures = new List<string>();
        Check(failures, "SafeChatServerOptions.Engine", options.Engine.Validate);
        Check(failures, "SafeChatServerOptions.Dispatcher", options.Dispatcher.Validate);
        if (options.Policy is null && !PolicyPresets.Exists(options.PolicyPreset))
        {
            failures.Add($"SafeChatServerOptions.PolicyPreset: '{options.PolicyPreset}' is not a preset; known presets: {string.Join(", ", PolicyPresets.Names)}.");
        }

        if (string.IsNullOrWhiteSpace(options.ModeratorRole))
        {
            failures.Add("SafeChatServerOptions.ModeratorRole must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.NudgeClientMethod))
        {
            failures.Add("SafeChatServerOptions.NudgeClientMethod must not be empty.");
        }

        if (options.MaxEscalationsPerPage is < 1 or > 10_000)
        {
            failures.Add($"SafeChatServerOptions.MaxEscalationsPerPage must be in [1, 10000] (was {options.MaxEscalationsPerPage}).");
        }

        if (options.MaxNoteLength < 1)
        {
            failures.Add($"SafeChatServerOptions.MaxNoteLength must be at least 1 (was {options.MaxNoteLength}).");
        }

        if (!Enum.IsDefined(options.FailureMode))
        {
            failures.Add($"SafeChatServerOptions.FailureMode: {(int)options.FailureMode} is not a StateFailureMode.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string prefix, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{prefix}: {ex.Message}");
        }
    }
}
