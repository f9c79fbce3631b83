using SafeChat.Conversations;

namespace SafeChat.Policies;

/// <summary>
/// Which age bands of a harm's thresholds follow the model's calibrated alert threshold, and by how much: a band with an
/// offset uses the model's alert threshold for the harm (<see cref="MessageContext.ModelAlertThresholds"/>) plus the
/// offset, clamped to [0, 1]; a null band keeps its fixed number. File syntax: <c>"model"</c>, <c>"model-0.02"</c>,
/// <c>"model+0.01"</c>.
/// </summary>
/// <param name="Child">Offset for recipients under 13, or null for a fixed threshold.</param>
/// <param name="Teen">Offset for recipients 13 to 17, or null.</param>
/// <param name="Adult">Offset for adult recipients, or null.</param>
/// <param name="Unknown">Offset for recipients of unknown age, or null.</param>
public sealed record ModelThresholdOffsets(float? Child, float? Teen, float? Adult, float? Unknown)
{
    /// <summary>The offset of <paramref name="band"/>, or null when that band's threshold is fixed.</summary>
    public float? For(AgeBand band) => band switch
    {
        AgeBand.Child => Child,
        AgeBand.Teen => Teen,
        AgeBand.Adult => Adult,
        _ => Unknown,
    };
}
