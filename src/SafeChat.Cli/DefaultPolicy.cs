using SafeChat.Policies;

namespace SafeChat.Cli;

/// <summary>Loads the policy named by <c>--policy</c>: a preset name (<c>strict-minors</c>, <c>standard</c>) or a policy file.</summary>
internal static class DefaultPolicy
{
    public static IMessagePolicy? Load(string? pathOrPreset) =>
        pathOrPreset is null ? null : new PolicyEngine(Definition(pathOrPreset));

    public static PolicyDefinition Definition(string pathOrPreset) =>
        PolicyPresets.Exists(pathOrPreset) && !File.Exists(pathOrPreset)
            ? PolicyPresets.Load(pathOrPreset)
            : PolicyLoader.LoadFile(pathOrPreset);
}
