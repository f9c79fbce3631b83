using SafeChat.Policies;

namespace SafeChat.Cli;

/// <summary>
/// The one seam between the CLI and the policy loader (from the policies team). Returns null (no policy, so no
/// decisions) until the lead wires the loader in at merge.
/// </summary>
internal static class DefaultPolicy
{
    public static IMessagePolicy? Load(string? pathOrPreset) => null;
}
