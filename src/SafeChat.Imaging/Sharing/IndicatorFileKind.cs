namespace SafeChat.Sharing;

/// <summary>What an indicator file does.</summary>
public enum IndicatorFileKind
{
    /// <summary>Adds indicators (leads for review).</summary>
    Indicators = 0,
    /// <summary>Withdraws indicators the producer shared before (for example after a successful appeal).</summary>
    Retraction = 1,
}
