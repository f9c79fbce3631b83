namespace SafeChat.Evidence;

/// <summary>The CyberTipline's "Internet Details" categories SafeChat deals with.</summary>
public enum InternetDetailType
{
    /// <summary>Chat or instant messaging.</summary>
    ChatIm = 0,
    /// <summary>Chat inside an online game.</summary>
    OnlineGaming = 1,
}
