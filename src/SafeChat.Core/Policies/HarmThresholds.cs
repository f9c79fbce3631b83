using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>Risk thresholds of one harm, per age band of the protected party (the recipient).</summary>
/// <param name="Child">For recipients under 13.</param>
/// <param name="Teen">For recipients 13 to 17.</param>
/// <param name="Adult">For adult recipients.</param>
/// <param name="Unknown">For recipients of unknown (or untrusted adult) age.</param>
public sealed record HarmThresholds(float Child, float Teen, float Adult, float Unknown)
{
    /// <summary>The threshold for <paramref name="band"/>.</summary>
    public float For(AgeBand band) => band switch
    {
        AgeBand.Child => Child,
        AgeBand.Teen => Teen,
        AgeBand.Adult => Adult,
        _ => Unknown,
    };
}
