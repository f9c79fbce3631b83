using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>Risk thresholds of one harm, per age band of the protected party (the recipient).</summary>
/// <param name="Child">For recipients under 13.</param>
/// <param name="Teen">For recipients 13 to 17.</param>
/// <param name="Adult">For adult recipients.</param>
/// <param name="Unknown">For recipients of unknown (or untrusted adult) age.</param>
/// <remarks>
/// With <see cref="ModelOffsets"/>, some bands follow the model's calibrated alert threshold instead: the fixed number
/// of such a band is what it resolves to without a model (<see cref="Engine.SafeChatEngine.FallbackAlertThreshold"/>
/// plus the offset).
/// </remarks>
public sealed record HarmThresholds(float Child, float Teen, float Adult, float Unknown)
{
    /// <summary>Bands that are read relative to the model's alert threshold; null when every band is fixed.</summary>
    public ModelThresholdOffsets? ModelOffsets { get; init; }

    /// <summary>Thresholds that follow the model's alert threshold in every band, each with its offset.</summary>
    public static HarmThresholds FromModel(float child = 0f, float teen = 0f, float adult = 0f, float unknown = 0f) =>
        new(Resolve(null, child), Resolve(null, teen), Resolve(null, adult), Resolve(null, unknown))
        {
            ModelOffsets = new ModelThresholdOffsets(child, teen, adult, unknown),
        };

    /// <summary>The threshold for <paramref name="band"/> (a model-relative band without a model uses its fixed number).</summary>
    public float For(AgeBand band) => band switch
    {
        AgeBand.Child => Child,
        AgeBand.Teen => Teen,
        AgeBand.Adult => Adult,
        _ => Unknown,
    };

    /// <summary>
    /// The threshold for <paramref name="band"/> given the model's alert threshold for this harm (null when unknown):
    /// a model-relative band gives <paramref name="modelThreshold"/> plus its offset, clamped to [0, 1].
    /// </summary>
    public float For(AgeBand band, float? modelThreshold) =>
        ModelOffsets?.For(band) is { } offset ? Resolve(modelThreshold, offset) : For(band);

    private static float Resolve(float? modelThreshold, float offset)
    {
        var value = (modelThreshold ?? Engine.SafeChatEngine.FallbackAlertThreshold) + offset;
        return value < 0f ? 0f : value > 1f ? 1f : value;
    }
}
